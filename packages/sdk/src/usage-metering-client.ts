// The HTTP client for Tally's usage API, with the method names and argument
// shapes of the usage-metering service Tally grew from (configureQuota,
// trackUsage, trackBulkUsage, getCurrentUsage, checkQuota, getUsageHistory,
// estimateUsageCosts), and reservations for work whose size is known only
// afterwards (reserve, commit, release). Each method is its route and arguments only; the
// transport owns authentication, time limits and errors, so a new endpoint is
// one more method here. It uses only the global `fetch` (or one passed in).
import { HttpTransport, pathSegment } from './http-transport.js';
import type {
  BulkUsageItem,
  CheckQuotaOptions,
  CommitReservationInput,
  CommittedReservation,
  ConfigureQuotaInput,
  CostEstimate,
  CurrentUsage,
  GetCurrentUsageInput,
  GetUsageHistoryInput,
  QuotaCheck,
  ReadOptions,
  ReleasedReservation,
  RequestOptions,
  Reservation,
  ReserveUsageInput,
  TrackBulkUsageResult,
  TrackUsageInput,
  TrackUsageResult,
  UsageHistory,
  WriteResult,
} from './types.js';
import type { UsageFeatureKey } from './usage-feature.js';

export { DEFAULT_TIMEOUT_MS } from './http-transport.js';

export interface UsageMeteringClientOptions {
  /** Where Tally listens, e.g. 'https://tally.example.com' (a path prefix is kept). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Defaults to the global fetch; pass one to add proxies, tracing or a test double. */
  readonly fetch?: typeof fetch;
  /** Per request, including reading the body. Defaults to 10 s. */
  readonly timeoutMs?: number;
}

export class UsageMeteringClient {
  protected readonly http: HttpTransport;

  constructor(options: UsageMeteringClientOptions) {
    this.http = new HttpTransport(options);
  }

  /** Sets a feature's included quantity and price for an organization. */
  async configureQuota(input: ConfigureQuotaInput, options: RequestOptions = {}): Promise<WriteResult> {
    const { organizationId, ...quota } = input;
    return this.http.request('POST', `/api/usage/${pathSegment(organizationId)}/quota`, { body: quota, signal: options.signal });
  }

  /** Records one usage event; resend with the same idempotencyKey and it is never counted twice. */
  async trackUsage(input: TrackUsageInput, options: RequestOptions = {}): Promise<TrackUsageResult> {
    return this.http.request('POST', '/api/usage/track', { body: input, signal: options.signal });
  }

  /** Records up to 10,000 events of one organization; the server accepts all of them or none. */
  async trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], options: RequestOptions = {}): Promise<TrackBulkUsageResult> {
    return this.http.request('POST', '/api/usage/track/bulk', { body: { organizationId, items }, signal: options.signal });
  }

  /** The open billing period's usage and overage, per feature. */
  async getCurrentUsage(input: GetCurrentUsageInput, options: RequestOptions = {}): Promise<CurrentUsage> {
    const features = input.features && input.features.length > 0 ? input.features : undefined;
    return this.http.request('GET', `/api/usage/${pathSegment(input.organizationId)}`, {
      // Commas stay literal so the URL reads as the API documents it: ?features=OCR_SCAN,API_CALL
      rawQuery: features ? `features=${features.map(encodeURIComponent).join(',')}` : undefined,
      query: { waitForPosition: input.waitForPosition },
      signal: options.signal,
    });
  }

  /**
   * May this organization use `quantity` more units of the feature (`allowed`),
   * and how much of its quota is used, reserved and left. Exact: it includes
   * every write Tally acknowledged before the call.
   */
  async checkQuota(organizationId: string, feature: UsageFeatureKey, options: CheckQuotaOptions & RequestOptions = {}): Promise<QuotaCheck> {
    return this.http.request('GET', `/api/usage/${pathSegment(organizationId)}/quota/${pathSegment(feature)}`, {
      query: { quantity: options.quantity === undefined ? undefined : String(options.quantity), waitForPosition: options.waitForPosition },
      signal: options.signal,
    });
  }

  /**
   * Holds quantity against the feature's quota until it is committed, released
   * or expires. Under a hard quota it does not fit, rejects with a QuotaExceededError.
   */
  async reserve(input: ReserveUsageInput, options: RequestOptions = {}): Promise<Reservation> {
    const { organizationId, ...reservation } = input;
    return this.http.request('POST', `/api/usage/${pathSegment(organizationId)}/reservations`, { body: reservation, signal: options.signal });
  }

  /**
   * Records what the reserved work used (less or more than reserved) and lets
   * the rest of the hold go. Committing again with the same quantity is a duplicate, never counted twice.
   */
  async commit(input: CommitReservationInput, options: RequestOptions = {}): Promise<CommittedReservation> {
    const { organizationId, reservationId, ...usage } = input;
    return this.http.request('POST', `/api/usage/${pathSegment(organizationId)}/reservations/${pathSegment(reservationId)}/commit`, {
      body: usage,
      signal: options.signal,
    });
  }

  /** Releases a reservation without using it; `changed` is false when it had ended already. */
  async release(organizationId: string, reservationId: string, options: RequestOptions = {}): Promise<ReleasedReservation> {
    return this.http.request('DELETE', `/api/usage/${pathSegment(organizationId)}/reservations/${pathSegment(reservationId)}`, { signal: options.signal });
  }

  /** Closed billing periods, newest first. */
  async getUsageHistory(input: GetUsageHistoryInput, options: RequestOptions = {}): Promise<UsageHistory> {
    return this.http.request('GET', `/api/usage/${pathSegment(input.organizationId)}/history`, {
      query: { limit: input.limit === undefined ? undefined : String(input.limit), waitForPosition: input.waitForPosition },
      signal: options.signal,
    });
  }

  /** The projected cost of the open period at the current run-rate. */
  async estimateUsageCosts(organizationId: string, options: ReadOptions & RequestOptions = {}): Promise<CostEstimate> {
    return this.http.request('GET', `/api/usage/${pathSegment(organizationId)}/estimate`, {
      query: { waitForPosition: options.waitForPosition },
      signal: options.signal,
    });
  }
}
