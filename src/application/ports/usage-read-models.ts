// What the query handlers read: the read models kept by the projector, one
// document per organization and billing period, read by key. Queries never
// touch the event log for usage. An adapter that cannot reach its database
// throws ReadModelsUnavailableError, which callers answer as "try again".
import type { DailyUsage } from '../../domain/daily-usage';
import type { FeatureSummary, IntervalRecord } from '../../domain/events';

export interface ClosedPeriodView {
  readonly billingPeriod: IntervalRecord;
  readonly closedAt: string;
  readonly features: readonly FeatureSummary[];
}

export interface ReadModelFreshness {
  /** Global position of the last event the read models include (null: none yet). */
  readonly position: string | null;
  /** When the projector last found itself at the head of the log. */
  readonly caughtUpAt: Date | null;
}

/** An organization as a list of them shows it. */
export interface OrganizationListing {
  readonly organizationId: string;
  readonly name: string;
}

export interface OrganizationSearch {
  /** Only organizations whose id or name contains this text, in any case. */
  readonly containing?: string;
  /** Only ids after this one (the last of the previous page). */
  readonly after?: string;
  readonly limit: number;
}

export interface UsageReadModels {
  /** Organizations by id in code-unit order, as far as the read models have them. */
  organizations(search: OrganizationSearch): Promise<OrganizationListing[]>;
  /** The daily usage recorded in these billing periods (by their start), as far as the read models have it. */
  dailyUsage(organizationId: string, billingPeriodStarts: readonly string[]): Promise<DailyUsage[]>;
  /** Those of these billing periods (by their start) whose close the read models hold. */
  closedPeriods(organizationId: string, billingPeriodStarts: readonly string[]): Promise<ClosedPeriodView[]>;
  freshness(): Promise<ReadModelFreshness>;
  /** Resolves when the database answers (readiness). */
  ping(): Promise<void>;
}

/** The read models' database cannot be reached right now (the HTTP API answers 503 with Retry-After). */
export class ReadModelsUnavailableError extends Error {
  override readonly name = 'ReadModelsUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
