// Packaging: @tally/sdk installed from its tarball into a Node.js project
// outside the repository, used from ES modules, from CommonJS and from
// TypeScript against `tally serve`; it brings no other package with it. And
// the declarations of both tarballs resolve in every TypeScript mode.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packWorkspaces, type PackedWorkspaces } from '../../scripts/pack-packages';
import { ScratchProject } from './support/scratch-project';
import { startTally, type ExportedEvent, type RunningTally } from './support/tally-server';

// Each step runs a program or a compiler in the scratch project.
jest.setTimeout(120_000);

let packed: PackedWorkspaces;
let project: ScratchProject;
let tally: RunningTally;

beforeAll(async () => {
  packed = await packWorkspaces();
  project = ScratchProject.create('sdk-consumer', join(__dirname, 'sdk-consumer'), (manifest) => ({
    ...manifest,
    dependencies: { '@tally/sdk': `file:${packed.sdk.tarball}` },
  }));
  project.install();
  tally = await startTally();
}, 15 * 60_000);

afterAll(async () => {
  await tally?.stop();
  project?.remove();
}, 60_000);

interface ProgramReport {
  readonly answered: string;
  readonly stats: { tracked: number; sent: number; dropped: number };
  readonly refused: number | string;
  readonly quota: { used: number; remaining: number };
}

const via = (events: readonly ExportedEvent[], format: string) =>
  events
    .filter((event) => event.data.metadata?.via === format)
    .map((event) => [event.feature, event.quantity])
    .sort();

describe('@tally/sdk installed from its tarball', () => {
  it('installs nothing but itself: no dependencies of its own', () => {
    const listed = JSON.parse(project.run('npm', ['ls', '--omit=dev', '--all', '--json']).stdout) as { dependencies: Record<string, { dependencies?: object }> };
    expect(Object.keys(listed.dependencies)).toEqual(['@tally/sdk']);
    expect(listed.dependencies['@tally/sdk'].dependencies).toBeUndefined();
    expect(readdirSync(join(project.directory, 'node_modules', '@tally', 'sdk', 'dist')).sort()).toEqual(['cjs', 'esm']);
  });

  it.each([
    ['ES modules', 'usage.mjs', 'esm'],
    ['CommonJS', 'usage.cjs', 'cjs'],
  ])('works from %s: client, background tracker and middleware against tally serve', async (_format, program, tag) => {
    const organizationId = `org_${tag}`;
    await tally.createOrganization(organizationId);
    const run = project.run(process.execPath, [program], 60_000, { TALLY_URL: tally.url, TALLY_API_KEY: tally.adminKey, TALLY_ORG: organizationId });
    const report = JSON.parse(run.stdout.trim()) as ProgramReport;
    expect(report).toEqual({ answered: 'ok', stats: { tracked: 2, sent: 2, dropped: 0 }, refused: 404, quota: { used: 2, remaining: 8 } });
    expect(run.stderr).toBe('');
    expect(via(tally.recordedUsage(organizationId), tag)).toEqual([
      ['API_CALL', 1],
      ['EMAIL_SENT', 3],
      ['OCR_SCAN', 2],
    ]);
  });

  it('type-checks from TypeScript (CommonJS and ES module files, strict, library declarations checked) without Express installed', () => {
    expect(() => readFileSync(join(project.directory, 'node_modules', '@types', 'express', 'package.json'))).toThrow();
    project.run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  });

  it.each([
    ['@tally/sdk', () => packed.sdk.tarball],
    ['@tally/nestjs', () => packed.nestjs.tarball],
  ])('%s: its declarations resolve in every TypeScript mode (node10, node16 from CommonJS and ES modules, bundler)', (_name, tarball) => {
    const report = project.run(process.execPath, ['node_modules/@arethetypeswrong/cli/dist/index.js', tarball(), '--format', 'json']);
    const analysis = JSON.parse(report.stdout) as { analysis: { problems: unknown[] } };
    expect(analysis.analysis.problems).toEqual([]);
  });
});
