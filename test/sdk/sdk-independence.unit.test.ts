// The SDK ships on its own as @tally/sdk: nothing in packages/sdk may import the
// server's code or any library (it has no runtime dependencies), its main
// entry must not reach Express's types, and its interval timer must not keep a
// process alive.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const packageDir = resolve(__dirname, '../../packages/sdk');
const sdkDir = join(packageDir, 'src');
const sources = readdirSync(sdkDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(join(sdkDir, name), 'utf8') }));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;

/** Every `import … from 'x'`, `export … from 'x'`, `import('x')` and `require('x')`, with whether it is type-only. */
function specifiers(text: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
    found.push({ specifier: match[3], typeOnly: match[2] !== undefined });
  }
  for (const match of text.matchAll(/(?:import|require)\(\s*'([^']+)'\s*\)/g)) found.push({ specifier: match[1], typeOnly: false });
  return found;
}

/** A sibling file, as the ES module build needs it written: './name.js'. */
function siblingOf(specifier: string): string | undefined {
  const match = /^\.\/([a-z0-9-]+)\.js$/.exec(specifier);
  return match ? `${match[1]}.ts` : undefined;
}

/** The files an entry point loads, itself included. */
function reachableFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const source = sources.find((candidate) => candidate.name === name);
    for (const { specifier } of specifiers(source?.text ?? '')) {
      const sibling = siblingOf(specifier);
      if (sibling) visit(sibling);
    }
  };
  visit(entry);
  return seen;
}

describe('the SDK', () => {
  it('has sources to check', () => {
    expect(sources.map((source) => source.name)).toEqual(
      expect.arrayContaining(['index.ts', 'express.ts', 'usage-metering-client.ts', 'usage-tracker.ts']),
    );
  });

  it('imports only its own files, Node built-ins, and express as a type', () => {
    const offenders = sources.flatMap(({ name, text }) =>
      specifiers(text)
        .filter(({ specifier, typeOnly }) => !siblingOf(specifier) && !specifier.startsWith('node:') && !(specifier === 'express' && typeOnly))
        .map(({ specifier }) => `${name} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('declares no dependencies of any kind in its package.json', () => {
    const declared = ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies'].filter(
      (field) => manifest[field] !== undefined,
    );
    expect(declared).toEqual([]);
    expect(manifest).toMatchObject({ name: '@tally/sdk', license: 'Apache-2.0' });
  });

  it("keeps Express's types out of the main entry: only @tally/sdk/express reaches them", () => {
    const main = reachableFrom('index.ts');
    expect(main.has('usage-tracker.ts')).toBe(true);
    expect(main.has('express-middleware.ts')).toBe(false);
    expect(reachableFrom('express.ts').has('express-middleware.ts')).toBe(true);
  });

  it('finds the imports it checks (so the checks above cannot pass vacuously)', () => {
    const middleware = sources.find((source) => source.name === 'express-middleware.ts');
    expect(specifiers(middleware?.text ?? '')).toContainEqual({ specifier: 'express', typeOnly: true });
    expect(specifiers("import { x } from '../domain/money';")).toEqual([{ specifier: '../domain/money', typeOnly: false }]);
    expect(siblingOf('../../src/domain/money.js')).toBeUndefined();
  });

  it("says in each file's first line what the module is for", () => {
    expect(sources.filter(({ text }) => !text.startsWith('// ')).map(({ name }) => name)).toEqual([]);
  });

  it('lets a process exit while a tracker with a long flush interval is still running', () => {
    const script = `
      const { UsageTracker } = require(${JSON.stringify(join(sdkDir, 'index.ts'))});
      const tracker = new UsageTracker({ client: { trackBulkUsage: async () => ({ accepted: 0, duplicates: 0, items: [], position: null }) }, flushIntervalMs: 60000 });
      tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN' });
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: resolve(__dirname, '../..'), encoding: 'utf8', timeout: 10_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
