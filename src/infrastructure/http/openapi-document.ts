// The OpenAPI 3.1 document, generated from the same route declarations and zod
// schemas the app validates with. Each route also carries `x-tally-access` (who
// may call it) and, for bodies, an example, so tools (and our own tests) can
// call every route without a hand-kept list.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { ApiRoute } from './api-route';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { problem } from './schemas/common-schemas';
import { registerWebhooks } from './webhook-documents';

const API_KEY_SCHEME = 'apiKey';

function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } } };
}

/** The error answers a route can give, from what it declares (key, body, organization). */
function errorResponses(route: ApiRoute): RouteConfig['responses'] {
  const responses: RouteConfig['responses'] = {};
  if (route.params || route.query || route.body) responses[400] = problemResponse('Invalid or malformed request; errors[].path names each failing field');
  if (route.access !== 'public') {
    responses[401] = problemResponse('Missing, unknown or revoked API key');
    if (route.access === 'admin') responses[403] = problemResponse('Needs the admin key');
    if (route.limitedByHardQuotas) {
      responses[403] = problemResponse(
        'quota-exceeded: a hard quota refused the write, nothing was stored; feature, included, used, reserved and remaining say why, errors[] names each refusing item',
      );
    }
    responses[404] = problemResponse('Unknown organization (also for an organization this key may not act on) or feature');
    responses[409] = problemResponse('Conflicts with the current state');
    responses[429] = problemResponse('Rate limit of this key exceeded; see Retry-After');
    responses[503] = problemResponse('Event store or MongoDB unreachable; see Retry-After');
  }
  if (route.body) {
    responses[413] = problemResponse('Body larger than the configured limit');
    responses[415] = problemResponse('Body is not application/json');
  }
  return responses;
}

function exampleOf(schema: z.ZodType): unknown {
  return schema.meta()?.example;
}

export function buildOpenApiDocument(routes: readonly ApiRoute[], info: { version: string; serverUrl?: string }): unknown {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', API_KEY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'An organization API key (acts on its own organization only) or the admin key',
  });
  for (const route of routes) {
    const successResponses: RouteConfig['responses'] = {};
    for (const [status, response] of Object.entries(route.responses)) {
      successResponses[Number(status)] = {
        description: response.description,
        ...(response.schema && { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }),
      };
    }
    const body = route.body;
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description && { description: route.description }),
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ [API_KEY_SCHEME]: [] }],
      'x-tally-access': route.access,
      request: {
        ...(route.params && { params: route.params }),
        ...(route.query && { query: route.query }),
        ...(body && {
          body: {
            required: body.required,
            content: { 'application/json': { schema: body.schema, example: exampleOf(body.schema) } },
          },
        }),
      },
      responses: { ...successResponses, ...errorResponses(route) },
    });
  }
  registerWebhooks(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Tally usage-based billing API',
      version: info.version,
      description: 'Every error is RFC 9457 application/problem+json with a stable `type` URI.',
    },
    ...(info.serverUrl && { servers: [{ url: info.serverUrl }] }),
  });
}
