// Turns a failed HTTP answer into a TallyApiError. The server answers with RFC
// 9457 problem+json, but a proxy or load balancer in between may answer a 502
// with HTML, so anything that is not a problem document still yields a useful
// error: the status, its text, and the start of the body. A hard quota's
// refusal becomes a QuotaExceededError carrying its figures, so callers and
// the background tracker can tell "used up" from every other 403.
import { QUOTA_EXCEEDED_TYPE, QuotaExceededError, TallyApiError, type ProblemDetails } from './errors.js';
import type { ProblemFieldError, QuotaExceededDetails } from './types.js';

// Enough of an HTML error page to recognise it, without carrying the whole page around.
const MAX_DETAIL_CHARS = 500;

export function apiErrorFrom(status: number, statusText: string, retryAfter: string | null, bodyText: string): TallyApiError {
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  const problem = parseProblem(bodyText);
  const fallbackTitle = statusText || `HTTP ${status}`;
  if (!problem) {
    const snippet = bodyText.trim().slice(0, MAX_DETAIL_CHARS);
    return new TallyApiError({
      status,
      type: 'about:blank',
      title: fallbackTitle,
      ...(snippet && { detail: snippet }),
      retryAfterSeconds,
    });
  }
  const details: ProblemDetails = {
    status,
    type: typeof problem.type === 'string' ? problem.type : 'about:blank',
    title: typeof problem.title === 'string' ? problem.title : fallbackTitle,
    ...(typeof problem.detail === 'string' && { detail: problem.detail }),
    errors: fieldErrors(problem.errors),
    retryAfterSeconds,
  };
  const quota = status === 403 && details.type === QUOTA_EXCEEDED_TYPE ? quotaDetails(problem) : undefined;
  return quota ? new QuotaExceededError(details, quota) : new TallyApiError(details);
}

/** The refusal's figures, or undefined when the document lacks any of them (then it stays a plain TallyApiError). */
function quotaDetails(problem: Record<string, unknown>): QuotaExceededDetails | undefined {
  const { feature, included, used, reserved, remaining, windowStart, windowEnd } = problem;
  const numbers = [included, used, reserved, remaining];
  if (typeof feature !== 'string' || typeof windowStart !== 'string' || typeof windowEnd !== 'string') return undefined;
  if (!numbers.every((value) => typeof value === 'number' && Number.isFinite(value))) return undefined;
  return { feature, included: included as number, used: used as number, reserved: reserved as number, remaining: remaining as number, windowStart, windowEnd };
}

function parseProblem(bodyText: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function fieldErrors(raw: unknown): ProblemFieldError[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown): ProblemFieldError[] => {
    if (entry === null || typeof entry !== 'object') return [];
    const { path, message } = entry as { path?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (typeof path === 'string') return [{ path, message: text }];
    // Validation libraries report paths as arrays (['items', 3, 'quantity']); keep one spelling.
    if (Array.isArray(path)) return [{ path: joinPath(path), message: text }];
    return [{ path: '', message: text }];
  });
}

function joinPath(segments: readonly unknown[]): string {
  return segments
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

