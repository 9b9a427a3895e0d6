// What TallyModule.forRoot() and forRootAsync() are configured with, and the
// token that carries it to the module's providers. The defaults are chosen so
// the usual setup is two values: where Tally listens and the API key.
import type { ExecutionContext } from '@nestjs/common';
import type { UsageTrackerErrorHandler, UsageTrackerOptions } from '@tally/sdk';

export const TALLY_MODULE_OPTIONS = Symbol('TALLY_MODULE_OPTIONS');

/** How @TrackUsage's background tracker batches and retries; see UsageTracker in @tally/sdk. */
export type UsageTrackingSettings = Omit<UsageTrackerOptions, 'client' | 'onError'>;

/** Finds the organization a request bills; undefined bills nothing. */
export type OrganizationExtractor = (context: ExecutionContext) => string | undefined | null;

/** What @RequireQuota does when Tally cannot answer a quota check. */
export type QuotaUnknownPolicy = 'allow' | 'deny';

export interface TallyModuleOptions {
  /** Where Tally listens, e.g. 'https://tally.example.com'. */
  readonly baseUrl: string;
  /** The admin key, or an organization's key when the application bills only that organization. */
  readonly apiKey: string;
  /** Per request to Tally. Default 10 s. */
  readonly timeoutMs?: number;
  /** Defaults to the global fetch; pass one to add proxies or tracing. */
  readonly fetch?: typeof fetch;
  /** Batching and retries of usage recorded by @TrackUsage. Default: up to 500 events a request, at least every second. */
  readonly tracking?: UsageTrackingSettings;
  /** Told of usage that could not be recorded, with the events. Default: a warning in Nest's log. */
  readonly onError?: UsageTrackerErrorHandler;
  /** The organization of a request, for @TrackUsage and @RequireQuota without their own. Default: `request.user.orgId`. */
  readonly extractOrgId?: OrganizationExtractor;
  /** On application shutdown, how long buffered usage may take to reach Tally. Default 10 s. */
  readonly shutdownDeadlineMs?: number;
  /** 'allow' (default) lets a request through when its quota cannot be checked; 'deny' answers 503. */
  readonly whenQuotaUnknown?: QuotaUnknownPolicy;
}

/** Module settings besides the options themselves. */
export interface TallyModuleExtras {
  /** Register the module globally, so any module can inject its services. Default true. */
  readonly isGlobal?: boolean;
  /**
   * Register UsageTrackingInterceptor for every route, so @TrackUsage works on
   * any handler and on provider methods called while one runs. Default true;
   * with false, add @UseInterceptors(UsageTrackingInterceptor) where needed.
   */
  readonly globalInterceptor?: boolean;
}
