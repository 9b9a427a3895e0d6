// TypeScript against @tally/sdk's declarations from a CommonJS file: the
// client's answers are typed, errors narrow with instanceof, and the main
// entry compiles without Express's types (none are installed here).
import { TallyApiError, UsageFeature, UsageMeteringClient, UsageTracker, type CurrentUsage, type QuotaCheck, type UsageTrackerStats } from '@tally/sdk';

export async function overageOf(client: UsageMeteringClient, organizationId: string): Promise<number | null> {
  const usage: CurrentUsage = await client.getCurrentUsage({ organizationId, features: [UsageFeature.OCR_SCAN] });
  return usage.totalOverageAmount;
}

export async function mayScan(client: UsageMeteringClient, organizationId: string): Promise<boolean> {
  try {
    const quota: QuotaCheck = await client.checkQuota(organizationId, UsageFeature.OCR_SCAN);
    return quota.hasQuota;
  } catch (error) {
    if (error instanceof TallyApiError && error.status === 404) return false;
    throw error;
  }
}

export async function stopTracking(tracker: UsageTracker): Promise<UsageTrackerStats> {
  return tracker.shutdown({ deadlineMs: 5_000 });
}
