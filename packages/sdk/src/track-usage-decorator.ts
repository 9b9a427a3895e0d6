// The `@TrackUsage(feature, { extractOrgId, extractMetadata })` decorator as a
// TypeScript 5 standard method decorator. It records one usage event after the
// method succeeds (after its promise resolves, for an async method) and never
// when it throws or rejects. It must be invisible to callers: the decorated
// method returns the very value (the same promise object) and throws the very
// error it would have without the decorator; anything that goes wrong while
// recording goes to the tracker's onError.
import { types } from 'node:util';
import { recordExtracted, type UsageRecorder } from './usage-recorder.js';
import type { UsageFeatureKey } from './usage-feature.js';

export interface TrackUsageDecoratorOptions<Args extends readonly unknown[], Result, This> {
  /** Where to record; when absent, the instance's own `usageTracker` property is used. */
  readonly tracker?: UsageRecorder;
  /** The organization to bill, from the call's arguments (and instance); undefined records nothing. */
  readonly extractOrgId: (args: Args, self: This) => string | undefined;
  /** `result` is what the method returned, or what its promise resolved to. */
  readonly extractMetadata?: (result: Result, args: Args, self: This) => Record<string, unknown>;
  /** Defaults to 1. */
  readonly quantity?: number | ((result: Result, args: Args) => number);
  readonly extractUserId?: (args: Args, self: This) => string | undefined;
}

/** An instance that carries its own tracker, for `@TrackUsage` without a `tracker` option. */
export interface HasUsageTracker {
  readonly usageTracker: UsageRecorder;
}

/**
 * Decorates a method so each successful call records usage of `feature`.
 *
 * The type parameters default to `any` on purpose: a decorator factory's
 * arguments are checked before TypeScript looks at the decorated method, so it
 * cannot infer them from it, and `any` keeps the usual
 * `extractOrgId: ([dto]) => dto.orgId` compiling. Annotate the extractor
 * (`([dto]: [ScanReceiptDto]) => …`) or pass the types explicitly for full checking.
 */
export function TrackUsage<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the doc comment: nothing to infer from at the factory call
  Args extends readonly unknown[] = any[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above, for the method's result
  Result = any,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above, for the instance
  This = any,
>(feature: UsageFeatureKey, options: TrackUsageDecoratorOptions<Args, Result, This>) {
  return function trackUsageDecorator<Method extends (this: This, ...args: Args) => Result | PromiseLike<Result>>(
    method: Method,
    context: ClassMethodDecoratorContext<This, Method>,
  ): Method {
    const methodName = String(context.name);
    let warned = false;

    const record = (self: This, args: Args, result: Result): void => {
      const tracker = options.tracker ?? trackerOf(self);
      if (!tracker) {
        if (!warned) {
          warned = true;
          process.emitWarning(
            `@TrackUsage(${feature}) on ${methodName}: no tracker — pass { tracker } or give the instance a usageTracker property; usage of this method is not recorded`,
            { type: 'TallyUsageWarning', code: 'TALLY_NO_TRACKER' },
          );
        }
        return;
      }
      recordExtracted(tracker, feature, methodName, {
        organizationId: () => options.extractOrgId(args, self),
        quantity: () => (typeof options.quantity === 'function' ? options.quantity(result, args) : options.quantity),
        metadata: () => options.extractMetadata?.(result, args, self),
        userId: () => options.extractUserId?.(args, self),
      });
    };

    function withUsageTracking(this: This, ...args: Args): Result | PromiseLike<Result> {
      const returned = method.call(this, ...args);
      // Only native promises get a side chain. Other thenables (query builders, say)
      // may start work on every then(), so they are treated as plain values.
      if (types.isPromise(returned)) {
        Promise.prototype.then.call(
          returned,
          (value: Result) => record(this, args, value),
          () => undefined, // the caller sees the rejection on the promise it was given
        );
        return returned;
      }
      record(this, args, returned as Result);
      return returned;
    }

    // The replacement has the method's parameters and result, which is all Method promises.
    return withUsageTracking as Method;
  };
}

function trackerOf(self: unknown): UsageRecorder | undefined {
  if (self === null || (typeof self !== 'object' && typeof self !== 'function')) return undefined;
  const candidate = (self as Partial<HasUsageTracker>).usageTracker;
  return candidate && typeof candidate.track === 'function' && typeof candidate.reportError === 'function' ? candidate : undefined;
}
