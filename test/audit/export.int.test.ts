// `tally export` streams an organization's raw events with positions,
// idempotency keys and duplicate flags, as NDJSON or CSV, within a time range.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { tally } from '../support/cli';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { composeWriteSide } from '../../src/composition/write-side';

const ORG = 'org_export';

describe('tally export', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-export-'));
  const env = { TALLY_EVENT_STORE_PATH: join(directory, 'events.sqlite') };

  beforeAll(async () => {
    const store = SqliteEventStore.open(env.TALLY_EVENT_STORE_PATH);
    const clock = new FixedClock(new Date('2026-11-01T09:00:00Z'));
    const commands = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
    await commands.configureOrganization({ organizationId: ORG });
    clock.set('2026-11-03T10:00:00Z');
    await commands.trackUsage({ organizationId: ORG, feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'mail,"batch"-1' });
    clock.set('2026-11-04T10:00:00Z');
    await commands.trackUsage({ organizationId: ORG, feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'mail,"batch"-1' });
    await store.close();
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes NDJSON with positions, keys and the duplicate flag', () => {
    const result = tally(['export', '--org', ORG, '--format', 'ndjson'], env);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.position, l.type, l.duplicate])).toEqual([
      ['1', 'OrganizationConfigured', false],
      ['2', 'UsageRecorded', false],
      ['3', 'UsageDuplicateIgnored', true],
    ]);
    expect(lines[1]).toMatchObject({ idempotencyKey: 'mail,"batch"-1', feature: 'EMAIL_SENT', quantity: 5, time: '2026-11-03T10:00:00.000Z', data: { quantity: 5 } });
  });

  it('writes CSV to a file, quoting what needs quoting, within a time range', () => {
    const output = join(directory, 'events.csv');
    const result = tally(['export', '--org', ORG, '--format', 'csv', '--from', '2026-11-02T00:00:00Z', '--to', '2026-11-04T00:00:00Z', '--output', output], env);
    expect(result.status).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(
      'position,revision,type,time,organizationId,feature,quantity,idempotencyKey,duplicate,billingPeriodStart\n' +
        '2,1,UsageRecorded,2026-11-03T10:00:00.000Z,org_export,EMAIL_SENT,5,"mail,""batch""-1",false,2026-11-01T00:00:00.000Z\n',
    );
  });

  it('rejects an unknown format in one line', () => {
    const result = tally(['export', '--org', ORG, '--format', 'xml'], env);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('tally: --format must be ndjson or csv, got "xml"');
  });
});
