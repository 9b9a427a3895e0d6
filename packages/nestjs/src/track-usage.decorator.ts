// @TrackUsage(feature, { extractOrgId, extractMetadata, quantity }) for NestJS:
// on a controller handler, or on a provider method called while a request is
// handled, it records one usage event after the method succeeds (its promise
// resolved, its Observable completed) and never when it throws. The
// extractors receive Nest's ExecutionContext of the current request and the
// method's result. Recording only buffers the event for the background
// tracker, and the method's own result (the very promise object) and errors
// reach the caller unchanged, so usage tracking never delays or changes a response.
import 'reflect-metadata';
import { types } from 'node:util';
import { Logger, type ExecutionContext } from '@nestjs/common';
import { recordExtracted, type UsageFeatureKey } from '@tally/sdk';
import { defer, isObservable, tap, type Observable } from 'rxjs';
import { currentUsageScope, type UsageRequestScope } from './usage-request-scope.js';

/**
 * `Result` defaults to `any` on purpose: a decorator factory is checked before
 * TypeScript looks at the method it decorates, so nothing can infer the
 * result's type, and `any` keeps `(ctx, result) => ({ fileSize: result.fileSize })`
 * compiling. Pass the type (`@TrackUsage<ScanResult>(…)`) for full checking.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the doc comment
export interface TrackUsageOptions<Result = any> {
  /** The organization to bill; undefined bills nothing. Default: the module's, `request.user.orgId`. */
  readonly extractOrgId?: (context: ExecutionContext, args: readonly unknown[]) => string | undefined | null;
  /** Stored with the event; `result` is what the method returned or resolved to. */
  readonly extractMetadata?: (context: ExecutionContext, result: Result, args: readonly unknown[]) => Record<string, unknown> | undefined;
  /** Default 1. */
  readonly quantity?: number | ((context: ExecutionContext, result: Result, args: readonly unknown[]) => number);
  /** The user behind the usage, when the event should name one. */
  readonly extractUserId?: (context: ExecutionContext, args: readonly unknown[]) => string | undefined;
}

const logger = new Logger('Tally');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as TrackUsageOptions: nothing to infer the result from
export function TrackUsage<Result = any>(feature: UsageFeatureKey, options: TrackUsageOptions<Result> = {}): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const where = `${typeof target === 'function' ? target.name : target.constructor.name}.${String(propertyKey)}`;
    if (typeof descriptor.value !== 'function') throw new TypeError(`@TrackUsage(${feature}) decorates methods; ${where} is not one`);
    const method = descriptor.value as (this: unknown, ...args: unknown[]) => unknown;
    let warned = false;

    function withUsageTracking(this: unknown, ...args: unknown[]): unknown {
      // Taken when the call starts: later callbacks may run outside the request's async context.
      const scope = currentUsageScope();
      const returned: unknown = method.apply(this, args);
      if (!scope) {
        if (!warned) {
          warned = true;
          logger.warn(
            `@TrackUsage(${feature}) on ${where} ran outside a request handled with UsageTrackingInterceptor; its usage is not recorded. ` +
              'Register the interceptor (TallyModule does so unless globalInterceptor is false), or record with UsageTracker.track().',
          );
        }
        return returned;
      }
      const record = (result: unknown) => recordUsage(scope, feature, options, where, args, result as Result);
      // Only native promises get a side chain: other thenables may start work on every then().
      if (types.isPromise(returned)) {
        Promise.prototype.then.call(returned, record, () => undefined);
        return returned;
      }
      if (isObservable(returned)) return recordOnCompletion(returned, record);
      record(returned);
      return returned;
    }

    keepMetadata(method, withUsageTracking);
    descriptor.value = withUsageTracking as typeof descriptor.value;
  };
}

/** Records once per subscription that completes, with the last value emitted; an error records nothing. */
function recordOnCompletion(source: Observable<unknown>, record: (result: unknown) => void): Observable<unknown> {
  return defer(() => {
    let last: unknown;
    return source.pipe(tap({ next: (value) => (last = value), complete: () => record(last) }));
  });
}

function recordUsage<Result>(
  scope: UsageRequestScope,
  feature: UsageFeatureKey,
  options: TrackUsageOptions<Result>,
  where: string,
  args: readonly unknown[],
  result: Result,
): void {
  const { context, recorder } = scope;
  recordExtracted(recorder, feature, where, {
    // No organization (an anonymous request, say) means nothing to bill.
    organizationId: () => (options.extractOrgId ?? scope.extractOrgId)(context, args),
    quantity: () => (typeof options.quantity === 'function' ? options.quantity(context, result, args) : options.quantity),
    metadata: () => options.extractMetadata?.(context, result, args),
    userId: () => options.extractUserId?.(context, args),
  });
}

/**
 * Nest keeps route, guard and interceptor metadata on the method function
 * itself; when @TrackUsage is written above @Get() or @UseGuards(), that
 * metadata is already on the original, so the replacement carries it over.
 */
function keepMetadata(original: object, replacement: (...args: unknown[]) => unknown): void {
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), replacement);
  }
  Object.defineProperty(replacement, 'name', { value: (original as { name?: string }).name ?? 'trackedMethod' });
}
