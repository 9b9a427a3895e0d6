// Request schemas of the quota routes (the configure-quota body, with
// tiered and package pricing as alternatives to its flat per-unit price) and
// of operator corrections.
import { z } from 'zod';
import { RESET_PERIODS } from '../../../domain/periods';
import { currencyCode, featureKey, idempotencyKey, instant, text } from './common-schemas';
import { MAX_PRICE_MINOR } from '../../../domain/money';
import { MAX_PERIOD_QUANTITY } from '../../../domain/usage-bounds';

// Prices are minor units with at most four decimals, below 10^15: as a decimal string, or a number
// (read through its shortest decimal form).
const DECIMAL_PRICE = /^(0|[1-9]\d{0,14})(\.\d{1,4})?$/;
const decimalText = z.string().max(40).regex(DECIMAL_PRICE, 'must be a decimal of minor units with at most 4 decimals, e.g. "0.1"');

/** Minor units as a decimal string or a number: 5 is €0.05, "0.1" is a tenth of a cent. */
const minorUnitPrice = z
  .union([z.number().min(0).lt(Number(MAX_PRICE_MINOR)).meta({ multipleOf: 0.0001 }), decimalText])
  .meta({ description: 'Price in minor units of the currency (5 = €0.05), at most 4 decimals; a decimal string keeps fractions exact', example: 5 });

const pricingTier = z.strictObject({
  upTo: z.number().int('must be a positive whole number').min(1, 'must be a positive whole number').max(Number.MAX_SAFE_INTEGER).nullable().meta({ description: 'Overage units up to and including this one, increasing; null in the last tier only' }),
  unitPrice: decimalText,
  flatPrice: decimalText.optional(),
});

export const pricingModel = z
  .discriminatedUnion('model', [
    z.strictObject({ model: z.literal('per_unit'), pricePerUnit: decimalText }),
    z.strictObject({ model: z.literal('graduated'), tiers: z.array(pricingTier).min(1).max(100) }),
    z.strictObject({ model: z.literal('volume'), tiers: z.array(pricingTier).min(1).max(100) }),
    z.strictObject({ model: z.literal('package'), packageSize: z.number().int('must be a whole number of at least 1').min(1, 'must be a whole number of at least 1').max(Number.MAX_SAFE_INTEGER), packagePrice: decimalText }),
  ])
  .meta({ id: 'PricingModel' });

export const configureQuotaBody = z
  .strictObject({
    feature: featureKey,
    includedQuantity: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Free units per reset window', example: 100 }),
    pricePerUnit: minorUnitPrice.optional(),
    pricing: pricingModel.optional(),
    currency: currencyCode.optional().meta({ description: "ISO 4217 code; defaults to the organization's currency", example: 'EUR' }),
    resetPeriod: z.enum(RESET_PERIODS).optional().meta({ description: 'Defaults to MONTHLY' }),
    enforcement: z.enum(['soft', 'hard']).optional().meta({ description: '"soft" bills the overage (default); "hard" refuses it' }),
  })
  .meta({
    id: 'ConfigureQuotaRequest',
    description: 'Give exactly one of pricePerUnit and pricing',
    oneOf: [{ required: ['pricePerUnit'] }, { required: ['pricing'] }],
    example: { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' },
  });

export const correctionBody = z
  .strictObject({
    feature: featureKey,
    quantity: z
      .number()
      .int()
      .min(-MAX_PERIOD_QUANTITY)
      .max(MAX_PERIOD_QUANTITY)
      .refine((quantity) => quantity !== 0, 'must not be 0')
      .meta({ description: 'Signed, not 0: negative takes usage back', example: -3, not: { const: 0 } }),
    reason: text(1, 500).meta({ example: 'scans billed twice by a client bug' }),
    idempotencyKey: idempotencyKey.optional(),
    timestamp: instant.optional(),
  })
  .meta({ id: 'CorrectUsageRequest', example: { feature: 'OCR_SCAN', quantity: -3, reason: 'scans billed twice by a client bug' } });
