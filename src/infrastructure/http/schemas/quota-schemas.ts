// Request schemas of the quota routes (the configure-quota body, with
// tiered and package pricing as alternatives to its flat per-unit price) and
// of operator corrections.
import { z } from 'zod';
import { RESET_PERIODS } from '../../../domain/periods';
import { featureKey, idempotencyKey, instant } from './common-schemas';

/** Minor units as a decimal string or a number: 5 is €0.05, "0.1" is a tenth of a cent. */
const minorUnitPrice = z
  .union([z.number(), z.string().min(1).max(40)])
  .meta({ description: 'Price in minor units of the currency (5 = €0.05); a decimal string keeps fractions exact', example: 5 });

const decimalText = z.string().min(1).max(40);

const pricingTier = z.strictObject({
  upTo: z.number().int().nullable().meta({ description: 'Overage units up to and including this one; null in the last tier' }),
  unitPrice: decimalText,
  flatPrice: decimalText.optional(),
});

export const pricingModel = z
  .discriminatedUnion('model', [
    z.strictObject({ model: z.literal('per_unit'), pricePerUnit: decimalText }),
    z.strictObject({ model: z.literal('graduated'), tiers: z.array(pricingTier).min(1).max(100) }),
    z.strictObject({ model: z.literal('volume'), tiers: z.array(pricingTier).min(1).max(100) }),
    z.strictObject({ model: z.literal('package'), packageSize: z.number().int(), packagePrice: decimalText }),
  ])
  .meta({ id: 'PricingModel' });

export const configureQuotaBody = z
  .strictObject({
    feature: featureKey,
    includedQuantity: z.number().int().meta({ description: 'Free units per reset window', example: 100 }),
    pricePerUnit: minorUnitPrice.optional(),
    pricing: pricingModel.optional(),
    currency: z.string().min(3).max(3).optional().meta({ description: "ISO 4217 code; defaults to the organization's currency", example: 'EUR' }),
    resetPeriod: z.enum(RESET_PERIODS).optional().meta({ description: 'Defaults to MONTHLY' }),
    enforcement: z.enum(['soft', 'hard']).optional().meta({ description: '"soft" bills the overage (default); "hard" refuses it' }),
  })
  .meta({
    id: 'ConfigureQuotaRequest',
    description: 'Give exactly one of pricePerUnit and pricing',
    example: { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' },
  });

export const correctionBody = z
  .strictObject({
    feature: featureKey,
    quantity: z.number().int().meta({ description: 'Signed: negative takes usage back', example: -3 }),
    reason: z.string().min(1).max(500).meta({ example: 'scans billed twice by a client bug' }),
    idempotencyKey: idempotencyKey.optional(),
    timestamp: instant.optional(),
  })
  .meta({ id: 'CorrectUsageRequest', example: { feature: 'OCR_SCAN', quantity: -3, reason: 'scans billed twice by a client bug' } });
