// Projects a usage log from the SQLite store into MongoDB (FerretDB on the
// local stack) with the real `tally replay` command, built, in its own
// process; prints events per second and the projector's peak memory.
//   npx tsx bench/projector.bench.ts [--events 1000000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { stackSettings } from '../test/support/stack-settings';
import { runMeasured } from './support/peak-memory';
import { writeUsageLog } from './support/usage-log';

const root = join(__dirname, '..');
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};

async function main(): Promise<void> {
  const events = argument('events', 1_000_000);
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_bench_${Date.now()}`;
  const mongodbUrl = stackSettings().mongodbUrl;
  try {
    execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    const writing = Date.now();
    await writeUsageLog(storePath, events);
    console.log(`wrote ${events.toLocaleString('en')} usage events in ${((Date.now() - writing) / 1000).toFixed(1)} s`);
    const run = await runMeasured(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'replay', '--batch-size', String(argument('batch-size', 10_000))], { ...process.env, TALLY_EVENT_STORE_PATH: storePath, MONGODB_URL: mongodbUrl, MONGODB_DATABASE: database }, root);
    if (run.exitCode !== 0) throw new Error(`tally replay exited with ${run.exitCode}`);
    console.log(`projector (tally replay) peak resident memory: ${run.peakRssMb.toFixed(0)} MB`);
  } finally {
    const client = await MongoClient.connect(mongodbUrl);
    await client.db(database).dropDatabase();
    await client.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
