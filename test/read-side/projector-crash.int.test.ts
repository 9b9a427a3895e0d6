// A projector process killed mid-stream (SIGKILL: no chance to finish its batch
// or store its checkpoint) and restarted, after the log grew, with batches of
// other bounds, ends with read models equal to a clean rebuild: nothing counted
// twice, nothing lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { MongoCheckpointStore } from '../../src/read-side/mongo/mongo-checkpoints';
import { rebuildReadModels } from '../../src/composition/read-side';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { dailyEntries, readModelSnapshot } from '../support/read-model-snapshot';
import { projectRoot, stackSettings } from '../support/stack-settings';
import { composeWriteSide } from '../../src/composition/write-side';

const EVENTS = 40_000;

// Node itself with tsx's loader, not the tsx command: that is a wrapper around a second
// process, and SIGKILL on the wrapper would leave the real projector running.
function startProjector(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'projector'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a projector killed mid-stream', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-crash-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_crash_${randomUUID().slice(0, 12)}`;
  let mongo: MongoConnection;
  let rebuilt: MongoConnection;

  beforeAll(async () => {
    mongo = await connectMongo(stackSettings().mongodbUrl, database);
    rebuilt = await connectMongo(stackSettings().mongodbUrl, `${database}_rebuilt`);
  });

  afterAll(async () => {
    await mongo.db.dropDatabase();
    await rebuilt.db.dropDatabase();
    await mongo.close();
    await rebuilt.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('resumes from its checkpoint and ends equal to a clean rebuild', async () => {
    const store = SqliteEventStore.open(storePath);
    const clock = new FixedClock(new Date('2026-11-15T12:00:00Z'));
    const commands = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
    let expectedScans = 0;
    for (const organizationId of ['org_a', 'org_b']) {
      await commands.configureOrganization({ organizationId, timeZone: 'Europe/Berlin' });
      await commands.configureQuota({ organizationId, feature: 'SMS_SENT', includedQuantity: 10, pricePerUnit: 10, resetPeriod: 'DAILY' });
    }
    const track = async (fromBulk: number, bulks: number) => {
      for (let i = fromBulk; i < fromBulk + bulks; i++) {
        const items = Array.from({ length: 500 }, (_, j) => ({
          feature: j % 3 === 0 ? 'SMS_SENT' : 'OCR_SCAN',
          quantity: 1 + (j % 4),
          timestamp: new Date(Date.parse('2026-11-01T00:00:00Z') + (i * 500 + j) * 25_000).toISOString(),
          idempotencyKey: `e-${i}-${j}`,
        }));
        expectedScans += items.filter((item) => item.feature === 'OCR_SCAN').reduce((sum, item) => sum + item.quantity, 0);
        await commands.trackBulkUsage(i % 2 === 0 ? 'org_a' : 'org_b', items);
      }
    };
    await track(0, EVENTS / 500);
    const checkpoints = new MongoCheckpointStore(mongo.db);
    const position = async () => (await checkpoints.load('usage')).position ?? 0n;
    const env = { TALLY_EVENT_STORE_PATH: storePath, MONGODB_URL: stackSettings().mongodbUrl, MONGODB_DATABASE: database, PROJECTOR_BATCH_SIZE: '250', PROJECTOR_LEASE_MS: '1000', LOG_LEVEL: 'warn' };

    const first = startProjector(env);
    await waitFor(async () => (await position()) > BigInt(EVENTS / 4), 60_000, 'the first projector to get a quarter through');
    first.kill('SIGKILL');
    await exited(first);
    const killedAt = await position();
    expect(killedAt).toBeLessThan((await store.headPosition()) as bigint);
    // Nothing of the killed projector lives on to move the checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await position()).toBe(killedAt);

    // The log grows while no projector runs, and the restarted one reads it in batches of other bounds:
    // documents the killed one wrote must take exactly the events they have not applied yet.
    await track(EVENTS / 500, 8);
    const head = await store.headPosition();
    const second = startProjector({ ...env, PROJECTOR_BATCH_SIZE: '370' });
    await waitFor(async () => (await position()) === head, 120_000, 'the restarted projector to reach the head');
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    await rebuildReadModels({ store, db: rebuilt.db, clock });
    const [afterCrash, clean] = await Promise.all([readModelSnapshot(mongo.db), readModelSnapshot(rebuilt.db)]);
    expect(afterCrash).toEqual(clean);
    const scans = dailyEntries(afterCrash)
      .filter((entry) => entry.feature === 'OCR_SCAN')
      .reduce((sum, entry) => sum + entry.quantity, 0);
    expect(scans).toBe(expectedScans);
    await store.close();
  }, 240_000);
});
