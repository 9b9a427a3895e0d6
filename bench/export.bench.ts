// Exports one organization's 1,000,000 events with the built `tally export`
// command and prints its peak resident memory (target: under 150 MB) and rate.
//   npx tsx bench/export.bench.ts [--events 1000000] [--format ndjson|csv]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMeasured } from './support/peak-memory';
import { writeUsageLog } from './support/usage-log';

const root = join(__dirname, '..');
const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};

async function main(): Promise<void> {
  const events = Number(option('events', '1000000'));
  const format = option('format', 'ndjson');
  const directory = mkdtempSync(join(tmpdir(), 'tally-export-bench-'));
  const storePath = join(directory, 'events.sqlite');
  const output = join(directory, `export.${format}`);
  try {
    execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    await writeUsageLog(storePath, events, { organizations: 1 });
    const run = await runMeasured(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'export', '--org', 'org_bench_1', '--format', format, '--output', output], { ...process.env, TALLY_EVENT_STORE_PATH: storePath }, root);
    if (run.exitCode !== 0) throw new Error(`tally export exited with ${run.exitCode}`);
    const megabytes = statSync(output).size / 1024 / 1024;
    console.log(`tally export (${format}): ${events.toLocaleString('en')} events, ${megabytes.toFixed(0)} MB written in ${run.seconds.toFixed(1)} s (${Math.round(events / run.seconds).toLocaleString('en')} events/s)`);
    console.log(`tally export peak resident memory: ${run.peakRssMb.toFixed(0)} MB`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
