// Request and answer schemas of the alert-rule routes.
import { z } from 'zod';
import type { AlertRuleList, AlertRuleView, SetAlertRuleResult } from '../../../application/alerts/alert-rules';
import { MAX_PERIOD_QUANTITY } from '../../../domain/usage-bounds';
import { answerSchema } from './answer-schema';
import { currencyCode, featureKey, organizationId } from './common-schemas';

// No dots: rule ids are keys of the organization's state, which MongoDB stores as field names.
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const alertRulePathParams = z.strictObject({
  orgId: organizationId,
  ruleId: z.string().regex(RULE_ID, 'must be 1 to 64 letters, digits, "_" or "-"').meta({ example: 'rule_ocr_80' }),
});

export const setAlertRuleBody = z
  .strictObject({
    ruleId: z.string().regex(RULE_ID, 'must be 1 to 64 letters, digits, "_" or "-"').optional().meta({ description: 'Replaces the rule with this id; a new id when absent' }),
    feature: featureKey.optional(),
    quantity: z.number().int().min(1).max(MAX_PERIOD_QUANTITY).optional().meta({ description: "Fires when the feature's usage in its quota window reaches this quantity" }),
    percentOfIncluded: z.number().gt(0).max(100_000).multipleOf(0.01).optional().meta({ description: 'Fires when usage reaches this percentage of the included quantity (80, 100, 150…)' }),
    overageAmount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,3})?$/, 'must be a decimal amount in major units, e.g. "500.00"')
      .optional()
      .meta({ description: "Fires when the organization's overage in the billing period reaches this amount (major units)" }),
    currency: currencyCode.optional().meta({ description: 'The currency of overageAmount' }),
  })
  .meta({
    id: 'SetAlertRuleRequest',
    description: 'Exactly one of { feature, quantity }, { feature, percentOfIncluded } or { overageAmount, currency }',
    oneOf: [{ required: ['feature', 'quantity'] }, { required: ['feature', 'percentOfIncluded'] }, { required: ['overageAmount', 'currency'] }],
    example: { feature: 'OCR_SCAN', percentOfIncluded: 80 },
  });

const ruleFields = {
  ruleId: z.string(),
  feature: z.string().nullable(),
  quantity: z.number().nullable(),
  percentOfIncluded: z.number().nullable(),
  overageAmount: z.string().nullable(),
  currency: z.string().nullable(),
  setAt: z.string(),
};

export const alertRule = answerSchema<AlertRuleView>()(z.object(ruleFields).meta({ id: 'AlertRule' }));

export const setAlertRuleResult = answerSchema<SetAlertRuleResult>()(
  z
    .object({
      ...ruleFields,
      changed: z.boolean(),
      firedOnCreation: z.boolean().meta({ description: 'The value was past the threshold already: the rule fired once, now' }),
      position: z.string().nullable(),
    })
    .meta({ id: 'SetAlertRuleResult' }),
);

export const alertRuleList = answerSchema<AlertRuleList>()(z.object({ organizationId: z.string(), rules: z.array(alertRule) }).meta({ id: 'AlertRuleList' }));

export const removedAlertRule = answerSchema<{ readonly ruleId: string; readonly position: string | null }>()(
  z.object({ ruleId: z.string(), position: z.string().nullable() }).meta({ id: 'RemovedAlertRule' }),
);
