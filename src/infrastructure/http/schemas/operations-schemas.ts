// Schemas of the operational routes: liveness, readiness, the manual
// billing jobs and the status of an organization's billing-period workflow.
import { z } from 'zod';
import { BILLING_JOBS } from '../../../application/ports/billing-workflows';
import { billingPeriod, organizationId } from './common-schemas';
import type { BillingPeriodStatus } from '../../../application/ports/billing-workflows';
import { answerSchema } from './answer-schema';

export const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readiness = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ eventStore: z.literal('up'), mongodb: z.literal('up') }),
  })
  .meta({ id: 'Readiness' });

export const billingJobParams = z.strictObject({
  job: z.enum(BILLING_JOBS as readonly ['aggregate-all', 'report-all', 'retry-failed', 'generate-invoice-items']),
});

export const billingJobBody = z
  .strictObject({ organizationId: organizationId.optional().meta({ description: 'Only this organization; all when absent' }) })
  .meta({ id: 'BillingJobRequest', example: { organizationId: 'org_123' } });

export const billingJobResult = z
  .object({ job: z.string(), organizationId: z.string().nullable(), signalled: z.number().int() })
  .meta({ id: 'BillingJobResult' });

export const billingStatus = answerSchema<BillingPeriodStatus>()(
  z
    .object({
      organizationId: z.string(),
      billingPeriod,
      workflowId: z.string(),
      lastAggregationAt: z.string().nullable(),
      lastReportAt: z.string().nullable(),
      failures: z.array(z.object({ feature: z.string(), error: z.string(), retryable: z.boolean(), at: z.string() })),
      nextAction: z.object({ kind: z.enum(['aggregate', 'report', 'close']), at: z.string() }).nullable(),
      closed: z.boolean(),
      stripeBilling: z.enum(['meter', 'invoice', 'none']).meta({ description: "'none' when the organization has no Stripe customer, so nothing is sent to Stripe" }),
    })
    .meta({ id: 'BillingStatus' }),
);
