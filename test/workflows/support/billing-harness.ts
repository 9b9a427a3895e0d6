// Billing-period workflows on the time-skipping test server, against an
// in-memory SQLite event store and the recording Stripe fake. Two command
// handlers share the store, as the API and the worker processes would: the
// test records usage through one (with a clock it sets), the worker's
// activities decide through the other (with the server's skipped time).
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { decodeEvent } from '../../../src/application/event-log/organization-event-codec';
import { UsageCommands } from '../../../src/application/usage/usage-commands';
import { organizationStreamId, type OrganizationEvent } from '../../../src/domain/events';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite-event-store';
import { createBillingActivities, type BillingActivities } from '../../../src/workflows/activities/billing-activities';
import type { BillingSchedule } from '../../../src/workflows/billing-period-types';
import { createBillingWorker } from '../../../src/workflows/billing-worker';
import { TemporalBillingWorkflows } from '../../../src/workflows/temporal-billing-workflows';
import { FixedClock, SequentialIds } from '../../support/fixed-clock';
import { RecordingStripeGateway } from '../../support/recording-stripe-gateway';
import { stackSettings } from '../../support/stack-settings';
import { composeWriteSide } from '../../../src/composition/write-side';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Activities whose clock reads the server's time: before each attempt it is set
 * to the test server's current time, which is the skipped-to time, not the
 * wall clock (time stands still while an activity runs).
 */
export function onServerTime(activities: BillingActivities, clock: FixedClock, serverTimeMs: () => Promise<number>): BillingActivities {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, activity] of Object.entries(activities) as [string, (...args: never[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args) => {
      clock.set(new Date(await serverTimeMs()));
      return activity(...args);
    };
  }
  return wrapped as unknown as BillingActivities;
}

export interface BillingHarness {
  readonly env: TestWorkflowEnvironment;
  readonly store: SqliteEventStore;
  readonly stripe: RecordingStripeGateway;
  readonly taskQueue: string;
  readonly workflows: TemporalBillingWorkflows;
  /** The test's own writer ("the API"), at the instant set on `apiClock`. */
  readonly usage: UsageCommands;
  readonly apiClock: FixedClock;
  /** A worker with a fresh command handler, as a restarted worker process would have. */
  newWorker(overrides?: Partial<WorkerOptions>): Promise<Worker>;
  serverNow(): Promise<Date>;
  /** Skips server time forward to `instant` (timers due on the way fire, activities run). */
  advanceTo(instant: Date | number): Promise<void>;
  /** Sets the API clock to `instant` and runs `write` there. */
  at<T>(instant: Date | number, write: () => Promise<T>): Promise<T>;
  events(organizationId: string): Promise<OrganizationEvent[]>;
  dispose(): Promise<void>;
}

export async function createBillingHarness(schedule: BillingSchedule): Promise<BillingHarness> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: stackSettings().temporalTestServerPath } },
  });
  const store = SqliteEventStore.open(':memory:');
  const stripe = new RecordingStripeGateway();
  const taskQueue = `billing-${randomUUID()}`;
  const apiClock = new FixedClock(new Date(await env.currentTimeMs()));
  const serverNow = async () => new Date(await env.currentTimeMs());
  return {
    env,
    store,
    stripe,
    taskQueue,
    workflows: new TemporalBillingWorkflows(env.client, { taskQueue, schedule }),
    usage: composeWriteSide({ eventStore: store, clock: apiClock, ids: new SequentialIds('usage') }).commands,
    apiClock,
    newWorker: (overrides) => {
      const workerClock = new FixedClock();
      const activities = createBillingActivities({ commands: composeWriteSide({ eventStore: store, clock: workerClock }).handler, stripe, clock: workerClock });
      return createBillingWorker({ connection: env.nativeConnection, taskQueue, activities: onServerTime(activities, workerClock, () => env.currentTimeMs()), overrides });
    },
    serverNow,
    advanceTo: async (instant) => {
      const waitMs = new Date(instant).getTime() - (await env.currentTimeMs());
      if (waitMs > 0) await env.sleep(waitMs);
    },
    at: async (instant, write) => {
      apiClock.set(new Date(instant));
      return write();
    },
    events: async (organizationId) => {
      const recorded = await store.readStream(organizationStreamId(organizationId));
      return recorded.map(decodeEvent).filter((event): event is OrganizationEvent => event !== null);
    },
    dispose: async () => {
      await env.teardown();
      await store.close();
    },
  };
}

/** Polls (in real time) until `check` stops throwing: the worker needs a moment after time is skipped. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
