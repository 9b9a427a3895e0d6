// `tally serve` as the packaging tests' products talk to it: the real API
// process (with its embedded projector) on the local stack, its own event
// store and database, an admin key, and a way to read back exactly what it
// recorded (`tally export`).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageMeteringClient } from '@tally/sdk';
import { connectMongo } from '../../../src/read-side/mongo/mongo-connection';
import { startApiProcess, type ApiProcess } from '../../support/api-process';
import { tally } from '../../support/cli';
import { stackSettings, tallyProcessEnvironment } from '../../support/stack-settings';

/** One line of `tally export --format ndjson`. */
export interface ExportedEvent {
  readonly type: string;
  readonly feature?: string;
  readonly quantity?: number;
  readonly data: { readonly metadata?: Record<string, unknown>; readonly userId?: string };
}

export interface RunningTally {
  readonly url: string;
  readonly adminKey: string;
  /** The SDK client with the admin key, for setting up and checking. */
  readonly admin: UsageMeteringClient;
  createOrganization(organizationId: string): Promise<void>;
  /** The usage events recorded for the organization, from the event log itself. */
  recordedUsage(organizationId: string): ExportedEvent[];
  stop(): Promise<void>;
}

export async function startTally(): Promise<RunningTally> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-packaging-'));
  const run = randomUUID().slice(0, 8);
  const adminKey = randomBytes(24).toString('hex');
  const env = {
    ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_packaging_${run}`, taskQueue: `tally-packaging-${run}` }),
    TALLY_ADMIN_KEY: adminKey,
    TALLY_EMBEDDED_PROJECTOR: 'true',
  };
  let api: ApiProcess | undefined = await startApiProcess(env);
  const url = api.url;
  return {
    url,
    adminKey,
    admin: new UsageMeteringClient({ baseUrl: url, apiKey: adminKey }),
    async createOrganization(organizationId) {
      const response = await fetch(`${url}/api/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ organizationId, name: organizationId, currency: 'EUR' }),
      });
      if (response.status !== 201) throw new Error(`creating ${organizationId} answered ${response.status}: ${await response.text()}`);
    },
    recordedUsage(organizationId) {
      const exported = tally(['export', '--org', organizationId, '--format', 'ndjson'], { TALLY_EVENT_STORE_PATH: env.TALLY_EVENT_STORE_PATH });
      if (exported.status !== 0) throw new Error(`tally export failed: ${exported.stderr}`);
      return exported.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedEvent)
        .filter((event) => event.type === 'UsageRecorded');
    },
    async stop() {
      await api?.stop();
      api = undefined;
      const mongo = await connectMongo(stackSettings().mongodbUrl, env.MONGODB_DATABASE);
      await mongo.db.dropDatabase();
      await mongo.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
