// Refuses a request with Nest's ForbiddenException (403) when the
// organization's quota for a feature its route requires is used up, so the
// handler never runs and nothing is billed. Tally's answer is exact (it
// includes every write it acknowledged) and says whether one more unit is
// allowed: never refused under a soft quota, which bills the overage instead.
// Without an organization the guard lets the request pass: deciding who may
// call a route at all is the product's authentication, not billing.
import { ForbiddenException, Inject, Injectable, Logger, ServiceUnavailableException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { organizationOfRequest } from './organization-of-request.js';
import { requiredQuotas, type RequiredQuota } from './required-quota.js';
import { TALLY_MODULE_OPTIONS, type TallyModuleOptions } from './tally-options.js';
import { UsageMeteringService } from './usage-metering.service.js';

// @RequireQuota on a controller and on one of its handlers lists this guard
// twice for that route; the first run checks every requirement, the second
// finds the request (by its argument list, the same for all of its guards) done.
const checkedRequests = new WeakSet<object>();

@Injectable()
export class QuotaGuard implements CanActivate {
  private readonly logger = new Logger('Tally');

  constructor(
    private readonly usageMetering: UsageMeteringService,
    @Inject(TALLY_MODULE_OPTIONS) private readonly options: TallyModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.getArgs();
    if (checkedRequests.has(request)) return true;
    checkedRequests.add(request);
    for (const required of requiredQuotas(context.getHandler(), context.getClass())) await this.check(context, required);
    return true;
  }

  private async check(context: ExecutionContext, required: RequiredQuota): Promise<void> {
    const organizationId = (required.extractOrgId ?? this.options.extractOrgId ?? organizationOfRequest)(context);
    if (!organizationId) return;
    let allowed: boolean;
    try {
      ({ allowed } = await this.usageMetering.checkQuota(organizationId, required.feature));
    } catch (error) {
      if ((this.options.whenQuotaUnknown ?? 'allow') === 'deny') {
        throw new ServiceUnavailableException(`The ${required.feature} quota could not be checked`, { cause: error, description: 'Service Unavailable' });
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`letting a request through: the ${required.feature} quota of ${organizationId} could not be checked (${reason})`);
      return;
    }
    if (!allowed) throw new ForbiddenException(`${required.feature} quota exceeded`);
  }
}
