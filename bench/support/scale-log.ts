// Writes the scale benchmark's event log straight into the SQLite event store:
// organization after organization, each stream in appends of a few hundred
// events, as the write side would have logged them. Every organization is
// configured first; its usage is spread over today's open billing period, up
// to a few minutes ago. The large organization's clients retry a lot: a share
// of its events are UsageDuplicateIgnored repeats of keys it accepted shortly
// before, exactly what the write side logs for a retried request.
// The time spent inside appendToStream is kept apart: it is the raw store
// append rate, the baseline the other figures are compared with.
import { randomUUID } from 'node:crypto';
import { encodeEvent } from '../../src/application/event-log/organization-event-codec';
import type { StreamRevision } from '../../src/application/ports/event-store';
import { organizationStreamId, type OrganizationEvent, type UsageDuplicateIgnored, type UsageRecorded } from '../../src/domain/events';
import type { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { configurationEvents, LARGE_PROFILE, SMALL_PROFILES, UsagePlacements, type OrganizationProfile } from './scale-organizations';

export interface ScaleLogPlan {
  readonly organizations: number;
  /** Usage events in the whole log, retried duplicates included. */
  readonly usageEvents: number;
  readonly largeOrganizationEvents: number;
  /** Share of the large organization's events that are retried duplicates. */
  readonly largeDuplicateShare: number;
  readonly appendSize: number;
  /** The open billing period the usage falls in, and the instant the log is written "as of". */
  readonly periodStart: Date;
  readonly now: Date;
}

/** A key the large organization accepted early on, with its content, so a later retry can be checked. */
export interface AcceptedUsage {
  readonly idempotencyKey: string;
  readonly feature: string;
  readonly quantity: number;
  readonly timestamp: string;
}

export interface ScaleLog {
  readonly largeOrganizationId: string;
  readonly smallOrganizationIds: readonly string[];
  /** Every event appended, configuration included. */
  readonly events: number;
  readonly usageRecorded: number;
  readonly duplicatesIgnored: number;
  readonly largeUsageRecorded: number;
  readonly largeDuplicatesIgnored: number;
  readonly firstLargeUsage: AcceptedUsage;
  readonly appendSeconds: number;
  readonly totalSeconds: number;
}

export const LARGE_ORGANIZATION_ID = 'org_scale_large';
export const smallOrganizationId = (index: number): string => `org_scale_${String(index).padStart(5, '0')}`;

// Retries repeat one of the keys accepted this recently.
const RETRY_WINDOW = 2_000;
// Usage is recorded a moment after it happened.
const RECORDING_DELAY_MS = 1_500;
const API_CALL_METADATA = { endpoint: '/api/invoices', method: 'POST' };

/** A small deterministic generator (mulberry32), so two runs write the same mix. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface OrganizationLog {
  readonly organizationId: string;
  readonly profile: OrganizationProfile;
  readonly usageEvents: number;
  readonly duplicateShare: number;
  readonly seed: number;
}

interface UsageCounts {
  recorded: number;
  duplicates: number;
  first: AcceptedUsage | null;
}

/** The organization's events in log order: its configuration, then usage and retries as time goes by. */
function* organizationEvents(log: OrganizationLog, plan: ScaleLogPlan, placements: UsagePlacements, counts: UsageCounts): Generator<OrganizationEvent> {
  yield* configurationEvents(log.organizationId, log.profile, plan.periodStart);
  const random = randomSource(log.seed);
  const start = plan.periodStart.getTime() + 60_000;
  const span = plan.now.getTime() - 10 * 60_000 - start;
  const recent: AcceptedUsage[] = [];
  // A slot is a retry whenever the retries so far fall behind the organization's share of them (integer arithmetic: exact).
  const retriesPlanned = Math.round(log.usageEvents * log.duplicateShare);
  let retries = 0;
  for (let slot = 0; slot < log.usageEvents; slot++) {
    const at = start + Math.floor((slot * span) / log.usageEvents);
    const recordedAt = new Date(at + RECORDING_DELAY_MS).toISOString();
    if (recent.length > 0 && Math.floor(((slot + 1) * retriesPlanned) / log.usageEvents) > retries) {
      retries += 1;
      const repeated = recent[Math.floor(random() * recent.length)];
      counts.duplicates += 1;
      yield {
        type: 'UsageDuplicateIgnored',
        data: { organizationId: log.organizationId, feature: repeated.feature, quantity: repeated.quantity, idempotencyKey: repeated.idempotencyKey, receivedAt: recordedAt },
      } satisfies UsageDuplicateIgnored;
      continue;
    }
    const feature = pickFeature(log.profile, random());
    const quantity = feature === 'STORAGE_GB' ? 1 + Math.floor(random() * 50) : 1 + Math.floor(random() * 5);
    const happenedAt = new Date(at);
    const usage: AcceptedUsage = { idempotencyKey: randomUUID(), feature, quantity, timestamp: happenedAt.toISOString() };
    if (recent.length < RETRY_WINDOW) recent.push(usage);
    else recent[slot % RETRY_WINDOW] = usage;
    counts.recorded += 1;
    counts.first ??= usage;
    yield {
      type: 'UsageRecorded',
      data: {
        organizationId: log.organizationId,
        feature,
        quantity,
        idempotencyKey: usage.idempotencyKey,
        timestamp: usage.timestamp,
        recordedAt,
        ...placements.placementOf(log.profile, feature, happenedAt),
        ...(feature === 'API_CALL' && { metadata: API_CALL_METADATA }),
      },
    } satisfies UsageRecorded;
  }
}

function pickFeature(profile: OrganizationProfile, draw: number): string {
  let cumulative = 0;
  for (const { feature, share } of profile.features) {
    cumulative += share;
    if (draw < cumulative) return feature;
  }
  return profile.features[profile.features.length - 1].feature;
}

/** The organizations in log order: the large one first, then the small ones sharing the rest of the usage. */
function organizationLogs(plan: ScaleLogPlan): OrganizationLog[] {
  const small = plan.organizations - 1;
  const rest = plan.usageEvents - plan.largeOrganizationEvents;
  const logs: OrganizationLog[] = [
    { organizationId: LARGE_ORGANIZATION_ID, profile: LARGE_PROFILE, usageEvents: plan.largeOrganizationEvents, duplicateShare: plan.largeDuplicateShare, seed: 1 },
  ];
  for (let index = 0; index < small; index++) {
    logs.push({
      organizationId: smallOrganizationId(index),
      profile: SMALL_PROFILES[index % SMALL_PROFILES.length],
      usageEvents: Math.floor(rest / small) + (index < rest % small ? 1 : 0),
      duplicateShare: 0,
      seed: 1_000 + index,
    });
  }
  return logs;
}

export async function writeScaleLog(store: SqliteEventStore, plan: ScaleLogPlan, onProgress: (events: number) => void): Promise<ScaleLog> {
  // Usage is spread from a minute after the period starts to ten minutes ago; a period younger than an hour leaves no room.
  if (plan.now.getTime() - plan.periodStart.getTime() < 60 * 60_000) throw new Error('the open billing period started less than an hour ago; write the log later');
  const placements = new UsagePlacements(plan.periodStart, plan.now);
  const logs = organizationLogs(plan);
  const started = performance.now();
  let appendMs = 0;
  let events = 0;
  const all: UsageCounts = { recorded: 0, duplicates: 0, first: null };
  let large: UsageCounts = all;
  for (const log of logs) {
    const counts: UsageCounts = { recorded: 0, duplicates: 0, first: null };
    let revision: StreamRevision | 'no_stream' = 'no_stream';
    let batch: OrganizationEvent[] = [];
    const append = async () => {
      const appending = performance.now();
      const result = await store.appendToStream(organizationStreamId(log.organizationId), batch.map(encodeEvent), { expectedRevision: revision });
      appendMs += performance.now() - appending;
      revision = result.nextExpectedRevision;
      events += batch.length;
      batch = [];
      onProgress(events);
    };
    for (const event of organizationEvents(log, plan, placements, counts)) {
      batch.push(event);
      if (batch.length >= plan.appendSize) await append();
    }
    if (batch.length > 0) await append();
    all.recorded += counts.recorded;
    all.duplicates += counts.duplicates;
    if (log.organizationId === LARGE_ORGANIZATION_ID) large = counts;
  }
  if (!large.first) throw new Error('the large organization accepted no usage');
  return {
    largeOrganizationId: LARGE_ORGANIZATION_ID,
    smallOrganizationIds: logs.slice(1).map((log) => log.organizationId),
    events,
    usageRecorded: all.recorded,
    duplicatesIgnored: all.duplicates,
    largeUsageRecorded: large.recorded,
    largeDuplicatesIgnored: large.duplicates,
    firstLargeUsage: large.first,
    appendSeconds: appendMs / 1000,
    totalSeconds: (performance.now() - started) / 1000,
  };
}
