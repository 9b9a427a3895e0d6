// How the client talks to Tally: one JSON request with the API key, a time
// limit that covers reading the body, and one error vocabulary. Every call
// resolves with the parsed answer or rejects with a TallyApiError (the server
// said no) or a TallyNetworkError (no usable answer), never anything else, so
// a client method is only its route and its arguments.
import { TallyError, TallyNetworkError } from './errors.js';
import { apiErrorFrom } from './problem-response.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | undefined>;

export interface TransportOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export interface TallyRequest {
  readonly body?: unknown;
  readonly query?: Query;
  /** Appended as written, before `query`; for parameters whose literal form matters. */
  readonly rawQuery?: string;
  readonly signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export class HttpTransport {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: TransportOptions) {
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

  async request<T>(method: HttpMethod, path: string, options: TallyRequest = {}): Promise<T> {
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
 * route. Client methods are async so that this refusal, too, arrives as a rejection.
 */
export function pathSegment(value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError('path parameters must be non-empty strings');
  return encodeURIComponent(value);
}

function parseJson<T>(text: string, method: HttpMethod, path: string): T {
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

  explain(error: unknown, method: HttpMethod, path: string): unknown {
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
