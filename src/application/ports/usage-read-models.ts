// What the query handlers read: MongoDB read models kept by the projector.
// Queries never touch the event log. An adapter that cannot reach its database
// throws ReadModelsUnavailableError, which callers answer as "try again".
import type { FeatureSummary, IntervalRecord } from '../../domain/events';
import type { ActiveOrganization } from '../../domain/organization';
import type { WindowUsage } from '../../domain/period-statement';

export interface ClosedPeriodView {
  readonly billingPeriod: IntervalRecord;
  readonly closedAt: string;
  readonly features: readonly FeatureSummary[];
}

export interface DailyUsageView {
  readonly feature: string;
  /** The organization's local date, "YYYY-MM-DD". */
  readonly day: string;
  readonly quantity: number;
}

export interface ReadModelFreshness {
  /** Global position of the last event the read models include (null: none yet). */
  readonly position: string | null;
  /** When the projector last found itself at the head of the log. */
  readonly caughtUpAt: Date | null;
}

export interface UsageReadModels {
  organization(organizationId: string): Promise<ActiveOrganization | null>;
  /** The windows recorded in `period`, plus earlier periods' parts of windows that reach into it. */
  windowUsage(organizationId: string, period: IntervalRecord): Promise<WindowUsage[]>;
  /**
   * The parts of one quota window, one per billing period it lies in (one for
   * DAILY, WEEKLY and MONTHLY windows); a quota check's only usage read.
   */
  windowParts(organizationId: string, feature: string, windowStart: string, billingPeriodStarts: readonly string[]): Promise<WindowUsage[]>;
  dailyUsage(organizationId: string, period: IntervalRecord): Promise<DailyUsageView[]>;
  closedPeriods(organizationId: string, limit: number): Promise<ClosedPeriodView[]>;
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
