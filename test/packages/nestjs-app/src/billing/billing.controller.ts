// Quick Start steps 1, 3, 4 and 5 through the injected UsageMeteringService:
// configure a quota, track usage by hand (one event and in bulk), and read
// usage, a quota check, the history and the cost estimate.
import { Controller, Get, Post, Query, Req } from '@nestjs/common';
import { UsageFeature, UsageMeteringService } from '@tally/nestjs';
import type { AuthenticatedRequest } from '../auth/authenticated-request.js';

@Controller('billing')
export class BillingController {
  constructor(private readonly usageMeteringService: UsageMeteringService) {}

  @Post('quota')
  configureQuota(@Req() req: AuthenticatedRequest) {
    return this.usageMeteringService.configureQuota({
      organizationId: req.user.orgId,
      feature: UsageFeature.OCR_SCAN,
      includedQuantity: 100, // Free tier: 100 scans
      pricePerUnit: 5, // $0.05 per scan (in cents)
      currency: 'EUR',
      resetPeriod: 'MONTHLY',
    });
  }

  @Post('digest')
  async sendDigest(@Req() req: AuthenticatedRequest) {
    // Track a single event
    await this.usageMeteringService.trackUsage({
      organizationId: req.user.orgId,
      feature: UsageFeature.API_CALL,
      quantity: 1,
      metadata: {
        endpoint: '/api/invoices',
        method: 'POST',
      },
      userId: req.user.id,
    });

    // Track multiple events in bulk
    return this.usageMeteringService.trackBulkUsage(req.user.orgId, [
      { feature: UsageFeature.EMAIL_SENT, quantity: 5 },
      { feature: UsageFeature.PDF_EXPORT, quantity: 2 },
    ]);
  }

  @Get('summary')
  async summary(@Req() req: AuthenticatedRequest, @Query('waitForPosition') waitForPosition?: string) {
    const usage = await this.usageMeteringService.getCurrentUsage({
      organizationId: req.user.orgId,
      waitForPosition,
    });
    const quota = await this.usageMeteringService.checkQuota(req.user.orgId, UsageFeature.OCR_SCAN);
    const history = await this.usageMeteringService.getUsageHistory({
      organizationId: req.user.orgId,
      limit: 12, // Last 12 periods
    });
    const estimate = await this.usageMeteringService.estimateUsageCosts(req.user.orgId);

    return {
      currentPeriod: {
        totalOverage: usage.totalOverageAmount,
        features: usage.features.map((f) => ({
          feature: f.displayName,
          used: f.totalQuantity,
          included: f.includedQuantity,
          overage: f.overageQuantity,
          cost: f.overageAmount,
        })),
      },
      quota: { hasQuota: quota.hasQuota, remaining: quota.remaining },
      closedPeriods: history.periods.length,
      projected: {
        current: usage.totalOverageAmount,
        projected: estimate.estimatedAmount,
        features: estimate.features.map((f) => ({
          feature: f.feature,
          projectedUsage: f.projectedQuantity,
          estimatedCost: f.estimatedAmount,
        })),
      },
    };
  }
}
