// The MongoDB read models: collection names, document shapes and indexes.
// Every document keeps the global position it was last updated from, so an
// event delivered twice (after a crash, or by a second projector) is ignored.
// No document holds wall-clock time, so a rebuild equals the live documents.
import type { Aggregation } from '../../domain/catalogue';
import type { FeatureSummary, IntervalRecord } from '../../domain/events';
import type { ActiveOrganization } from '../../domain/organization';
import { usageWindowKey } from '../../domain/window-usage-index';

export const COLLECTIONS = {
  organizations: 'organizations',
  usageWindows: 'usage_windows',
  dailyUsage: 'daily_usage',
  closedPeriods: 'closed_periods',
  checkpoints: 'projection_checkpoints',
} as const;

/** The read-model collections a rebuild drops (checkpoints are reset separately). */
export const READ_MODEL_COLLECTIONS = [COLLECTIONS.organizations, COLLECTIONS.usageWindows, COLLECTIONS.dailyUsage, COLLECTIONS.closedPeriods] as const;

export interface OrganizationDocument {
  _id: string;
  state: ActiveOrganization;
  lastPosition: number;
}

/** One quota window's usage as recorded in one billing period. */
export interface UsageWindowDocument {
  _id: string;
  organizationId: string;
  feature: string;
  aggregation: Aggregation;
  billingPeriodStart: string;
  billingPeriodEnd: string;
  windowStart: string;
  windowEnd: string;
  quantity: number;
  latestTimestampMs: number | null;
  events: number;
  corrections: number;
  lastPosition: number;
}

/** Usage per organization, feature and local calendar day, for cost estimates. */
export interface DailyUsageDocument {
  _id: string;
  organizationId: string;
  feature: string;
  billingPeriodStart: string;
  /** The organization's local date, e.g. "2026-11-15". */
  day: string;
  quantity: number;
  events: number;
  lastPosition: number;
}

export interface ClosedPeriodDocument {
  _id: string;
  organizationId: string;
  billingPeriod: IntervalRecord;
  closedAt: string;
  features: readonly FeatureSummary[];
  lastPosition: number;
}

export interface CheckpointDocument {
  _id: string;
  /** Global position of the last event applied; null before the first. */
  position: string | null;
  /** Incremented on every save: two projector instances cannot both advance it. */
  version: number;
  /** When the projector last found itself at the head of the log (wall clock). */
  caughtUpAt: string | null;
  /** The projector instance that may write, until its lease expires. */
  owner?: string | null;
  leaseExpiresAt?: string | null;
  /** Set while a rebuild replays from the beginning, so an interrupted one resumes instead of restarting. */
  rebuilding?: boolean;
}

export const usageWindowId = (organizationId: string, feature: string, billingPeriodStart: string, windowStart: string) =>
  `${organizationId}|${usageWindowKey(feature, billingPeriodStart, windowStart)}`;

export const dailyUsageId = (organizationId: string, feature: string, day: string) => `${organizationId}|${feature}|${day}`;

export const closedPeriodId = (organizationId: string, billingPeriodStart: string) => `${organizationId}|${billingPeriodStart}`;

/** Indexes for every query the read side makes (see mongo-usage-read-models.ts). */
export const INDEXES: readonly { collection: string; keys: Record<string, 1 | -1> }[] = [
  { collection: COLLECTIONS.usageWindows, keys: { organizationId: 1, billingPeriodStart: 1 } },
  { collection: COLLECTIONS.usageWindows, keys: { organizationId: 1, feature: 1, windowStart: 1 } },
  { collection: COLLECTIONS.dailyUsage, keys: { organizationId: 1, billingPeriodStart: 1 } },
  { collection: COLLECTIONS.closedPeriods, keys: { organizationId: 1, 'billingPeriod.start': -1 } },
];
