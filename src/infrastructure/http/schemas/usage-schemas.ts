// Request and answer schemas of the usage routes: the track body, the
// bulk body, and the four reads (current usage, quota check, history, estimate).
import { z } from 'zod';
import { MAX_PERIOD_QUANTITY } from '../../../domain/usage-bounds';
import { MAX_BULK_ITEMS, MAX_METADATA_BYTES } from '../../../domain/usage-validation';
import { MAX_HISTORY_LIMIT } from '../../../application/usage/usage-queries';
import { billingPeriod, billingPeriodKey, currencyTotal, featureKey, freshness, idempotencyKey, instant, organizationId, readQuery, text, usageQuantity } from './common-schemas';
import type { TrackBulkUsageResult, TrackUsageResult } from '../../../application/usage/usage-commands';
import type { CostEstimate, CurrentUsage, DailyUsageAnswer, QuotaCheck, UsageHistory } from '../../../application/usage/usage-queries';
import { answerSchema } from './answer-schema';

// Metadata is free-form, so it is the one place a client could send JSON nested
// deep enough to overflow the stack of whatever walks it next; it never needs to be.
const MAX_METADATA_DEPTH = 8;

/** Whether a parsed JSON value nests deeper than `limit`, found without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; depth: number };
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** Free-form JSON about one usage event, shallow enough that nothing walking it can overflow. */
export const usageMetadata = z
  .record(z.string(), z.unknown())
  .refine((metadata) => !nestsDeeperThan(metadata, MAX_METADATA_DEPTH), `must nest at most ${MAX_METADATA_DEPTH} levels deep`)
  .meta({ description: `Free-form JSON object, at most ${MAX_METADATA_BYTES} bytes` });

const usageItemFields = {
  feature: featureKey,
  quantity: usageQuantity.optional().meta({ description: `Defaults to 1; ${usageQuantity.meta()?.description ?? ''}`, example: 1 }),
  metadata: usageMetadata.optional().meta({ example: { fileSize: 1024000, documentType: 'receipt' } }),
  userId: text(1, 200).optional().meta({ example: 'user_456' }),
  idempotencyKey: idempotencyKey.optional(),
  timestamp: instant.optional().meta({ description: 'When the usage happened; absent means when it arrives' }),
};

export const trackUsageBody = z.strictObject({ organizationId, ...usageItemFields }).meta({
  id: 'TrackUsageRequest',
  example: { organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 1, metadata: { fileSize: 1024000, documentType: 'receipt' } },
});

export const bulkUsageItem = z.strictObject(usageItemFields).meta({ id: 'BulkUsageItem' });

export const trackBulkUsageBody = z
  .strictObject({ organizationId, items: z.array(bulkUsageItem).min(1).max(MAX_BULK_ITEMS) })
  .meta({
    id: 'TrackBulkUsageRequest',
    description: 'Accepted whole or not at all; a refused item is named in errors[].path, e.g. items[3].quantity',
    example: { organizationId: 'org_123', items: [{ feature: 'EMAIL_SENT', quantity: 5 }, { feature: 'PDF_EXPORT', quantity: 2 }] },
  });

const trackedUsageFields = {
  idempotencyKey: z.string(),
  duplicate: z.boolean().meta({ description: 'True when the key was accepted before: acknowledged, not counted again' }),
  countedAs: z.enum(['usage', 'correction']).nullable(),
  billingPeriod: billingPeriod.nullable(),
};

export const trackUsageResult = answerSchema<TrackUsageResult>()(
  z.object({ ...trackedUsageFields, position: z.string().nullable() }).meta({ id: 'TrackUsageResult' }),
);

export const trackBulkUsageResult = answerSchema<TrackBulkUsageResult>()(
  z
    .object({
      accepted: z.number().int(),
      duplicates: z.number().int(),
      items: z.array(z.object(trackedUsageFields)),
      position: z.string().nullable(),
    })
    .meta({ id: 'TrackBulkUsageResult' }),
);

export const currentUsageQuery = readQuery.extend({
  features: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,63}(,[A-Z][A-Z0-9_]{1,63}){0,49}$/, 'must be up to 50 comma-separated feature keys, e.g. OCR_SCAN,API_CALL')
    .optional()
    .meta({ description: 'Only these features, comma-separated', example: 'OCR_SCAN,API_CALL' }),
});

// waitForPosition is accepted for the clients that send it with every read; a quota answer includes every acknowledged write anyway.
export const quotaCheckQuery = readQuery.extend({
  quantity: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PERIOD_QUANTITY)
    .optional()
    .meta({ description: 'Ask whether this many more units are allowed (default 1)', example: 5 }),
});

export const historyQuery = readQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_HISTORY_LIMIT)
    .optional()
    .meta({ description: 'How many closed periods, newest first (default 12)', example: 12 }),
});

export const dailyUsageQuery = readQuery.extend({
  period: billingPeriodKey.optional().meta({ description: 'A billing period by the month it starts in (default: the open period)', example: '2026-11' }),
});

export const dailyUsage = answerSchema<DailyUsageAnswer>()(
  z
    .object({
      organizationId: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      timeZone: z.string().meta({ description: 'The organization’s time zone, whose local days these are' }),
      days: z.array(
        z.object({
          day: z.string().meta({ description: 'Local date, YYYY-MM-DD', example: '2026-11-15' }),
          feature: z.string(),
          quantity: z.number().meta({ description: 'The day’s quantity as the feature aggregates it: a sum, a peak or the latest reading' }),
          events: z.number().int(),
          corrections: z.number().int(),
        }),
      ),
      freshness,
    })
    .meta({ id: 'DailyUsage' }),
);

const featureUsage = z
  .object({
    feature: z.string(),
    displayName: z.string(),
    unit: z.string(),
    aggregation: z.string(),
    resetPeriod: z.string(),
    totalQuantity: z.number(),
    includedQuantity: z.number(),
    overageQuantity: z.number(),
    overageAmount: z.number(),
    overageAmountDecimal: z.string(),
    currency: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
  })
  .meta({ id: 'FeatureUsage' });

export const currentUsage = answerSchema<CurrentUsage>()(
  z
    .object({
      organizationId: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      totalOverageAmount: z.number().nullable(),
      currency: z.string().nullable(),
      totals: z.array(currencyTotal),
      features: z.array(featureUsage),
      freshness,
    })
    .meta({ id: 'CurrentUsage' }),
);

export const quotaCheck = answerSchema<QuotaCheck>()(
  z
    .object({
      organizationId: z.string(),
      feature: z.string(),
      allowed: z.boolean().meta({ description: 'Whether `requested` more units may be used now: always for a soft quota; for a hard one, if they fit' }),
      requested: z.number().int(),
      hasQuota: z.boolean().meta({ description: 'False only for a hard quota that is used up' }),
      withinIncluded: z.boolean(),
      used: z.number(),
      reserved: z.number().meta({ description: 'Held by open reservations; counts against a hard quota' }),
      included: z.number(),
      remaining: z.number().meta({ description: 'Included quantity neither used nor reserved' }),
      enforcement: z.enum(['soft', 'hard']),
      resetPeriod: z.string(),
      windowStart: z.string(),
      windowEnd: z.string(),
      freshness,
    })
    .meta({ id: 'QuotaCheck' }),
);

export const usageHistory = answerSchema<UsageHistory>()(
  z
    .object({
      organizationId: z.string(),
      periods: z.array(
        z.object({
          periodStart: z.string(),
          periodEnd: z.string(),
          closedAt: z.string(),
          totalOverageAmount: z.number().nullable(),
          totals: z.array(currencyTotal),
          features: z.array(
            featureUsage
              .omit({ displayName: true, unit: true, aggregation: true, resetPeriod: true, periodStart: true, periodEnd: true })
              .extend({ events: z.number(), corrections: z.number() }),
          ),
        }),
      ),
      freshness,
    })
    .meta({ id: 'UsageHistory' }),
);

export const costEstimate = answerSchema<CostEstimate>()(
  z
    .object({
      organizationId: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      method: z.string(),
      estimatedAmount: z.number().nullable(),
      currentAmount: z.number().nullable(),
      currency: z.string().nullable(),
      totals: z.array(currencyTotal),
      features: z.array(
        z.object({
          feature: z.string(),
          currentQuantity: z.number(),
          projectedQuantity: z.number(),
          dailyRate: z.number().nullable(),
          estimatedAmount: z.number(),
          estimatedAmountDecimal: z.string(),
          currency: z.string(),
        }),
      ),
      freshness,
    })
    .meta({ id: 'CostEstimate' }),
);
