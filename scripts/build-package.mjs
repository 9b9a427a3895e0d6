// Builds the package in the current directory (one of packages/*) twice with
// tsc: tsconfig.json into dist/cjs as CommonJS, tsconfig.esm.json into
// dist/esm as ES modules. A package.json in each folder tells Node (and
// TypeScript) which module format the .js and .d.ts files there are, since the
// package itself declares none. `npm run build` and `npm pack` call it.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const builds = [
  { config: 'tsconfig.json', folder: 'dist/cjs', type: 'commonjs' },
  { config: 'tsconfig.esm.json', folder: 'dist/esm', type: 'module' },
];

rmSync('dist', { recursive: true, force: true });
for (const { config, folder, type } of builds) {
  execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  writeFileSync(`${folder}/package.json`, `${JSON.stringify({ type })}\n`);
}
