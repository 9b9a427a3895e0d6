// Writes the console's API types from the OpenAPI document Tally serves, built
// by the server's own document builder from its route declarations: the
// console's client can never disagree with the API it talks to. The output is
// generated on every build and never committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { apiRoutes } from '../../src/infrastructure/http/create-app';
import { buildOpenApiDocument } from '../../src/infrastructure/http/openapi-document';

const output = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated', 'tally-api.ts');

const document = buildOpenApiDocument(apiRoutes(), { version: 'console' });
const ast = await openapiTS(document as Parameters<typeof openapiTS>[0]);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `// Generated from Tally's OpenAPI document by web/scripts/write-api-types.ts; do not edit.\n${astToString(ast)}`);
console.log(`API types written to ${output.slice(output.indexOf('web/'))}`);
