// Group commit in the SQLite store: appends made in the same turn of the event
// loop share one transaction, yet each keeps its own revision check, and what
// was acknowledged is on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/application/ports/event-store';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';

const usage = (n: number): NewEvent => ({ type: 'UsageRecorded', data: { quantity: n } });

describe('SQLite group commit', () => {
  let directory: string;
  let file: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tally-group-commit-'));
    file = join(directory, 'events.sqlite');
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('stores concurrent appends to many streams, each with its own position, durably', async () => {
    const store = SqliteEventStore.open(file);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendToStream(`organization-${i}`, [usage(i)], { expectedRevision: 'no_stream' })));
    await store.close();

    expect(new Set(results.map((r) => r.position)).size).toBe(50);
    const reopened = SqliteEventStore.open(file);
    expect(await reopened.readAll({ maxCount: 100 })).toHaveLength(50);
    await reopened.close();
  });

  it('writes nothing before the end of the turn, then the whole group', async () => {
    const store = SqliteEventStore.open(file);
    // Another connection, as the projector process would read the file.
    const observer = new Database(file, { readonly: true });
    const counts: number[] = [];
    const appends = Array.from({ length: 20 }, (_, i) => store.appendToStream(`organization-${i}`, [usage(i)]));
    counts.push((observer.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    await Promise.all(appends);
    counts.push((observer.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    observer.close();
    await store.close();
    expect(counts).toEqual([0, 20]);
  });

  it('refuses only the append whose revision check fails, and stores the rest of its group', async () => {
    const store = SqliteEventStore.open(file);
    await store.appendToStream('organization-a', [usage(1)]);
    const outcomes = await Promise.allSettled([
      store.appendToStream('organization-a', [usage(2)], { expectedRevision: 5n }),
      store.appendToStream('organization-b', [usage(3)], { expectedRevision: 'no_stream' }),
      store.appendToStream('organization-a', [usage(4)], { expectedRevision: 0n }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream('organization-a')).map((e) => e.data.quantity)).toEqual([1, 4]);
    await store.close();
  });

  it('sees earlier appends of the same group when checking a revision', async () => {
    const store = SqliteEventStore.open(file);
    const [first, second] = await Promise.all([
      store.appendToStream('organization-a', [usage(1)], { expectedRevision: 'no_stream' }),
      store.appendToStream('organization-a', [usage(2)], { expectedRevision: 0n }),
    ]);
    expect([first.nextExpectedRevision, second.nextExpectedRevision]).toEqual([0n, 1n]);
    await store.close();
  });

  it('commits appends still waiting for their turn when the store closes', async () => {
    const store = SqliteEventStore.open(file);
    const pending = store.appendToStream('organization-a', [usage(1)]);
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 0n });
    const reopened = SqliteEventStore.open(file);
    expect(await reopened.readStream('organization-a')).toHaveLength(1);
    await reopened.close();
  });
});
