// Use case 2 ("API rate limiting with usage tracking"), as written there, and
// the same limit declared with @RequireQuota instead of checked by hand.
import { Controller, ForbiddenException, Get, Req, UseInterceptors } from '@nestjs/common';
import { RequireQuota, TrackUsage, UsageFeature, UsageMeteringService, UsageTrackingInterceptor } from '@tally/nestjs';
import type { AuthenticatedRequest } from '../auth/authenticated-request.js';

@Controller('api')
export class ApiController {
  constructor(private readonly usageService: UsageMeteringService) {}

  @Get('invoices')
  @UseInterceptors(UsageTrackingInterceptor)
  @TrackUsage(UsageFeature.API_CALL)
  async handleApiRequest(@Req() req: AuthenticatedRequest) {
    // Check quota before processing
    const quota = await this.usageService.checkQuota(req.user.orgId, UsageFeature.API_CALL);

    if (!quota.hasQuota) {
      throw new ForbiddenException('API quota exceeded');
    }

    return this.processRequest(req);
  }

  @Get('reports')
  @RequireQuota(UsageFeature.API_CALL)
  @TrackUsage(UsageFeature.API_CALL)
  reports(@Req() req: AuthenticatedRequest) {
    return { organizationId: req.user.orgId, reports: [] };
  }

  private processRequest(req: AuthenticatedRequest) {
    return { organizationId: req.user.orgId, invoices: [] };
  }
}
