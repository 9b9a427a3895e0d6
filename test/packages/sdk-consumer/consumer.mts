// The same declarations from an ES module file, resolved through the "import"
// condition of the package's exports.
import { UsageFeature, UsageMeteringClient, type TrackUsageResult } from '@tally/sdk';

export async function scanned(client: UsageMeteringClient, organizationId: string): Promise<TrackUsageResult> {
  return client.trackUsage({ organizationId, feature: UsageFeature.OCR_SCAN, quantity: 1 });
}
