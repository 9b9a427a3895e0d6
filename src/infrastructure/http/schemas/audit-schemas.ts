// The period audit over HTTP: the same document `tally audit --json` prints.
import { z } from 'zod';
import { billingPeriod, billingPeriodKey, freshness } from './common-schemas';
import type { PeriodAudit } from '../../../application/audit/period-audit';
import { answerSchema } from './answer-schema';

export const auditQuery = z.strictObject({ period: billingPeriodKey });

const auditedFeature = z.object({
  feature: z.string(),
  eventsCounted: z.number().int(),
  duplicatesIgnored: z.number().int(),
  corrections: z.number().int(),
  quantity: z.number(),
  includedQuantity: z.number(),
  overageQuantity: z.number(),
  overageAmount: z.string().meta({ description: 'Exact decimal in major units', example: '1.25' }),
  currency: z.string(),
  reportedToStripe: z
    .object({ quantity: z.number(), reports: z.number().int() })
    .nullable()
    .meta({ description: 'Cumulative quantity the Stripe meter was last told, and in how many reports' }),
  invoiced: z.object({ amount: z.string(), currency: z.string() }).nullable(),
});

const auditDifference = z.object({
  source: z.enum(['period-close', 'read-model', 'stripe-meter', 'stripe-invoice', 'event-log']),
  feature: z.string(),
  field: z.string(),
  expected: z.string().meta({ description: 'What the event log says' }),
  actual: z.string(),
});

export const periodAudit = answerSchema<PeriodAudit>()(
  z
    .object({
      organizationId: z.string(),
      period: z.string(),
      billingPeriod,
      closedAt: z.string().nullable(),
      features: z.array(auditedFeature),
      differences: z.array(auditDifference),
      agrees: z.boolean().meta({ description: 'True when nothing differs from the event log' }),
      logPosition: z.string().meta({ description: "Global position of the organization's last event read" }),
      readModels: freshness,
    })
    .meta({ id: 'PeriodAudit' }),
);
