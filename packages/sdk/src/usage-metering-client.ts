// The HTTP client for Tally's usage API, with the seed's method names and
// argument shapes (configureQuota, trackUsage, trackBulkUsage, getCurrentUsage,
// checkQuota, getUsageHistory, estimateUsageCosts). It uses only the global
// `fetch` (or one passed in), so it runs in any Node ≥ 20 process without
// pulling in the server. Every call either resolves with the typed answer or
// rejects with a TallyApiError (the server said no) or a TallyNetworkError (no
// usable answer), never anything else.
import { TallyError, TallyNetworkError } from './errors.js';
import { apiErrorFrom } from './problem-response.js';
import type {
  BulkUsageItem,
  ConfigureQuotaInput,
  CostEstimate,
  CurrentUsage,
  GetCurrentUsageInput,
  GetUsageHistoryInput,
  QuotaCheck,
  ReadOptions,
  RequestOptions,
  TrackBulkUsageResult,
  TrackUsageInput,
  TrackUsageResult,
  UsageHistory,
  WriteResult,
} from './types.js';
import type { UsageFeatureKey } from './usage-feature.js';

export interface UsageMeteringClientOptions {
  /** Where Tally listens, e.g. 'https://tally.example.com' (a path prefix is kept). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Defaults to the global fetch; pass one to add proxies, tracing or a test double. */
  readonly fetch?: typeof fetch;
  /** Per request, including reading the body. Defaults to 10 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

type Method = 'GET' | 'POST';
type Query = Record<string, string | undefined>;

export class UsageMeteringClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: UsageMeteringClientOptions) {
    // Fail at construction, not at the first request in some background flush.
    const base = new URL(options.baseUrl);
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new TypeError('UsageMeteringClient needs a non-empty apiKey');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError(`timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}`);
    }
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = timeoutMs;
  }

  /** Sets a feature's included quantity and price for an organization. */
  async configureQuota(input: ConfigureQuotaInput, options: RequestOptions = {}): Promise<WriteResult> {
    const { organizationId, ...quota } = input;
    return this.request('POST', `/api/usage/${segment(organizationId)}/quota`, { body: quota, signal: options.signal });
  }

  /** Records one usage event; resend with the same idempotencyKey and it is never counted twice. */
  async trackUsage(input: TrackUsageInput, options: RequestOptions = {}): Promise<TrackUsageResult> {
    return this.request('POST', '/api/usage/track', { body: input, signal: options.signal });
  }

  /** Records up to 10,000 events of one organization; the server accepts all of them or none. */
  async trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], options: RequestOptions = {}): Promise<TrackBulkUsageResult> {
    return this.request('POST', '/api/usage/track/bulk', { body: { organizationId, items }, signal: options.signal });
  }

  /** The open billing period's usage and overage, per feature. */
  async getCurrentUsage(input: GetCurrentUsageInput, options: RequestOptions = {}): Promise<CurrentUsage> {
    const features = input.features && input.features.length > 0 ? input.features : undefined;
    return this.request('GET', `/api/usage/${segment(input.organizationId)}`, {
      // Commas stay literal so the URL reads as the API documents it: ?features=OCR_SCAN,API_CALL
      rawQuery: features ? `features=${features.map(encodeURIComponent).join(',')}` : undefined,
      query: { waitForPosition: input.waitForPosition },
      signal: options.signal,
    });
  }

  /** May this organization still use the feature, and how much of its quota is left. */
  async checkQuota(organizationId: string, feature: UsageFeatureKey, options: ReadOptions & RequestOptions = {}): Promise<QuotaCheck> {
    return this.request('GET', `/api/usage/${segment(organizationId)}/quota/${segment(feature)}`, {
      query: { waitForPosition: options.waitForPosition },
      signal: options.signal,
    });
  }

  /** Closed billing periods, newest first. */
  async getUsageHistory(input: GetUsageHistoryInput, options: RequestOptions = {}): Promise<UsageHistory> {
    return this.request('GET', `/api/usage/${segment(input.organizationId)}/history`, {
      query: { limit: input.limit === undefined ? undefined : String(input.limit), waitForPosition: input.waitForPosition },
      signal: options.signal,
    });
  }

  /** The projected cost of the open period at the current run-rate. */
  async estimateUsageCosts(organizationId: string, options: ReadOptions & RequestOptions = {}): Promise<CostEstimate> {
    return this.request('GET', `/api/usage/${segment(organizationId)}/estimate`, {
      query: { waitForPosition: options.waitForPosition },
      signal: options.signal,
    });
  }

  private async request<T>(
    method: Method,
    path: string,
    options: { body?: unknown; query?: Query; rawQuery?: string; signal?: AbortSignal },
  ): Promise<T> {
    const url = this.url(path, options.query, options.rawQuery);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      accept: 'application/json, application/problem+json',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);

    const deadline = new RequestDeadline(this.timeoutMs, options.signal);
    try {
      const response = await this.fetchImpl(url, { method, headers, body, signal: deadline.signal });
      // Read the body under the same deadline: a server that stalls mid-body is as stuck as one that never answers.
      const text = await response.text();
      if (!response.ok) throw apiErrorFrom(response.status, response.statusText, response.headers.get('retry-after'), text);
      return parseJson<T>(text, method, path);
    } catch (error) {
      throw deadline.explain(error, method, path);
    } finally {
      deadline.dispose();
    }
  }

  private url(path: string, query: Query = {}, rawQuery?: string): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
    const parts = [rawQuery, params.toString()].filter((part): part is string => !!part);
    return `${this.baseUrl}${path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
  }
}

/**
 * Path parameters are encoded so an id like 'org/1' or 'a b' cannot change the
 * route. The methods are async so that this refusal, too, arrives as a rejection.
 */
function segment(value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError('path parameters must be non-empty strings');
  return encodeURIComponent(value);
}

function parseJson<T>(text: string, method: Method, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    // A 2xx that is not JSON came from something other than Tally (a captive proxy, say); the outcome is unknown.
    throw new TallyNetworkError(`${method} ${path} answered with a body that is not JSON`, 'invalid_response', { cause });
  }
}

/** One request's time limit combined with the caller's own abort signal, remembering which one fired. */
class RequestDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private timedOut = false;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
    if (callerSignal?.aborted) this.controller.abort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  explain(error: unknown, method: Method, path: string): unknown {
    if (error instanceof TallyError) return error;
    if (this.timedOut) return new TallyNetworkError(`${method} ${path} timed out after ${this.timeoutMs} ms`, 'timeout', { cause: error });
    if (this.controller.signal.aborted) return new TallyNetworkError(`${method} ${path} was aborted`, 'aborted', { cause: error });
    const reason = error instanceof Error ? describeCause(error) : String(error);
    return new TallyNetworkError(`${method} ${path} failed: ${reason}`, 'network', { cause: error });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, …) in `cause`. */
function describeCause(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
