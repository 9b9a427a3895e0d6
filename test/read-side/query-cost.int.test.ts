// Every query reads a fixed number of documents, each by _id, whatever the
// number of other organizations, periods and events in the read models: the
// commands MongoDB receives for one organization's answers are counted before
// and after fifty other organizations' usage lands beside it.
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { UsageQueries } from '../../src/application/usage/usage-queries';
import { usageReadModels } from '../../src/composition/read-side';
import { composeWriteSide } from '../../src/composition/write-side';
import { createReadSide, type ReadSide } from '../support/read-side-harness';
import { stackSettings } from '../support/stack-settings';

const ORG = 'org_measured';

describe('the cost of a query', () => {
  let side: ReadSide;
  let client: MongoClient;
  let commands: CommandStartedEvent[];
  let queries: UsageQueries;

  beforeAll(async () => {
    side = await createReadSide();
    client = new MongoClient(stackSettings().mongodbUrl, { monitorCommands: true, retryWrites: false });
    await client.connect();
    commands = [];
    client.on('commandStarted', (started) => commands.push(started));
    const { handler } = composeWriteSide({ eventStore: side.store, clock: side.clock });
    queries = new UsageQueries(usageReadModels(client.db(side.mongo.db.databaseName)), handler, side.clock);
    await side.commands.configureOrganization({ organizationId: ORG });
    await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 10, pricePerUnit: 10, resetPeriod: 'QUARTERLY' });
    await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 12 });
    await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 3 });
    await side.catchUp();
  });

  afterAll(async () => {
    await client.close();
    await side.dispose();
  });

  /** The read commands one round of every query sends, and whether each names a single _id. */
  async function measure(): Promise<{ reads: number; byIdOnly: boolean }> {
    commands = [];
    await queries.getCurrentUsage({ organizationId: ORG });
    await queries.checkQuota(ORG, 'SMS_SENT');
    await queries.estimateUsageCosts(ORG);
    await queries.getUsageHistory({ organizationId: ORG });
    await queries.getOrganization(ORG);
    const reads = commands.filter((command) => command.commandName === 'find' || command.commandName === 'aggregate');
    const byIdOnly = reads.every((command) => {
      const filter = (command.command as { filter?: Record<string, unknown> }).filter ?? {};
      return Object.keys(filter).length === 1 && typeof filter._id === 'string';
    });
    return { reads: reads.length, byIdOnly };
  }

  it('stays the same number of _id lookups when fifty other organizations hold usage', async () => {
    const alone = await measure();
    expect(alone.byIdOnly).toBe(true);
    for (let other = 0; other < 50; other++) {
      const organizationId = `org_other_${other}`;
      await side.commands.configureOrganization({ organizationId });
      await side.commands.trackBulkUsage(organizationId, Array.from({ length: 20 }, (_, i) => ({ feature: 'SMS_SENT', quantity: 1, idempotencyKey: `o-${i}` })));
    }
    await side.catchUp();
    const crowded = await measure();
    expect(crowded).toEqual(alone);
    // A quarterly window reaches into earlier periods: a few documents, never a scan.
    expect(alone.reads).toBeLessThanOrEqual(12);
  });
});
