// The request a provider method runs for. @TrackUsage's extractors take Nest's
// ExecutionContext of the current request, but a provider method (a service's
// scanReceipt) is called with its own arguments only; UsageTrackingInterceptor
// runs each handler inside this scope, so anything the handler calls, however
// deep and across awaits, finds the request and the tracker to record with.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext } from '@nestjs/common';
import type { UsageRecorder } from '@tally/sdk';
import type { OrganizationExtractor } from './tally-options.js';

export interface UsageRequestScope {
  readonly context: ExecutionContext;
  readonly recorder: UsageRecorder;
  /** The module's default, for @TrackUsage without its own extractOrgId. */
  readonly extractOrgId: OrganizationExtractor;
}

const scopes = new AsyncLocalStorage<UsageRequestScope>();

export function runInUsageScope<T>(scope: UsageRequestScope, run: () => T): T {
  return scopes.run(scope, run);
}

/** The scope of the request being handled, or undefined outside one (a cron job, a queue consumer, start-up). */
export function currentUsageScope(): UsageRequestScope | undefined {
  return scopes.getStore();
}
