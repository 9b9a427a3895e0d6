// Specification of quota pricing: per-unit, graduated, volume and package models, free tiers and validation.
import { DomainError } from '../../src/domain/domain-error';
import { toMajorNumber, toMajorString } from '../../src/domain/money';
import {
  chargeForWindow,
  graduatedTierCharges,
  incrementalCharge,
  perUnitPricing,
  validatePricing,
  type PricingModel,
} from '../../src/domain/pricing';

function expectDomainError(run: () => unknown, field: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  expect(thrown).toMatchObject({ code: 'validation', field });
  if (message) expect((thrown as DomainError).message).toMatch(message);
}

const ocrScans: PricingModel = { model: 'per_unit', pricePerUnit: '5' };

// 0–100 overage units at 2 cents plus a 50-cent flat fee; 101–1000 at 1 cent
// plus €1; everything above at 0.5 cents.
const tiers = [
  { upTo: 100, unitPrice: '2', flatPrice: '50' },
  { upTo: 1000, unitPrice: '1', flatPrice: '100' },
  { upTo: null, unitPrice: '0.5' },
] as const;
const graduated: PricingModel = { model: 'graduated', tiers };
const volume: PricingModel = { model: 'volume', tiers };

describe('per-unit pricing', () => {
  describe('when the quota is exceeded', () => {
    it('bills each unit above the free tier (the seed example: 75 of 50 → 25 × 5 cents = 1.25)', () => {
      const charge = chargeForWindow(75, 50, ocrScans, 'EUR');
      expect(charge).toEqual({ quantity: 75, includedQuantity: 50, overageQuantity: 25, amount: { currency: 'EUR', minor: 125n } });
      expect(toMajorNumber(charge.amount)).toBe(1.25);
    });

    it('rounds a fractional-cent line once (12345 API calls over the free tier at 0.1 cent → 12.35)', () => {
      const charge = chargeForWindow(10000 + 12345, 10000, perUnitPricing(0.1), 'EUR');
      expect(charge.overageQuantity).toBe(12345);
      expect(toMajorString(charge.amount)).toBe('12.35');
    });
  });

  describe('when usage stays within the included quantity', () => {
    it('costs nothing', () => {
      expect(chargeForWindow(50, 50, ocrScans, 'EUR')).toMatchObject({ overageQuantity: 0, amount: { minor: 0n } });
      expect(chargeForWindow(10, 50, ocrScans, 'EUR')).toMatchObject({ overageQuantity: 0, amount: { minor: 0n } });
    });
  });

  describe('when nothing was used', () => {
    it('costs nothing', () => {
      expect(chargeForWindow(0, 0, ocrScans, 'EUR')).toMatchObject({ overageQuantity: 0, amount: { minor: 0n } });
    });
  });

  it('subtracts fractional quantities exactly (gigabytes)', () => {
    expect(chargeForWindow(0.3, 0.1, { model: 'per_unit', pricePerUnit: '10' }, 'EUR')).toMatchObject({
      overageQuantity: 0.2,
      amount: { minor: 2n },
    });
  });

  it('makes perUnitPricing from a seed-style number', () => {
    expect(perUnitPricing(5)).toEqual({ model: 'per_unit', pricePerUnit: '5' });
  });
});

describe('graduated pricing', () => {
  it('prices each unit by the tier it falls in and adds the flat fee of every tier reached', () => {
    // 1500 overage: 100 × 2 + 50, 900 × 1 + 100, 500 × 0.5 = 250 + 1000 + 250 = 1500 cents
    expect(chargeForWindow(1500, 0, graduated, 'EUR').amount.minor).toBe(1500n);
  });

  it('reaches only the first tier for a small overage', () => {
    expect(chargeForWindow(60, 50, graduated, 'EUR').amount.minor).toBe(70n); // 10 × 2 + 50
  });

  it('counts tier bounds in overage units, after the included quantity', () => {
    // 100 included + 101 used over it: 100 units in tier 1, 1 unit in tier 2
    expect(chargeForWindow(201, 100, graduated, 'EUR').amount.minor).toBe(250n + 101n);
  });

  it('charges no flat fee when there is no overage', () => {
    expect(chargeForWindow(100, 100, graduated, 'EUR').amount.minor).toBe(0n);
  });

  it('sums the unrounded tiers and rounds once for the line', () => {
    const fractional: PricingModel = {
      model: 'graduated',
      tiers: [
        { upTo: 1, unitPrice: '0.4' },
        { upTo: null, unitPrice: '0.4' },
      ],
    };
    // Rounding each tier (0.4 → 0, 0.4 → 0) would give 0; the line is 0.8 → 1.
    expect(chargeForWindow(2, 0, fractional, 'EUR').amount.minor).toBe(1n);
  });

  it('explains the line tier by tier', () => {
    const parts = graduatedTierCharges(150, tiers);
    expect(parts.map((part) => [part.tierIndex, part.quantity.toNumber(), part.amountMinor.toNumber()])).toEqual([
      [0, 100, 250],
      [1, 50, 150],
    ]);
  });
});

describe('volume pricing', () => {
  it('prices all units by the tier the total falls in, plus that tier’s flat fee', () => {
    expect(chargeForWindow(100, 0, volume, 'EUR').amount.minor).toBe(250n); // 100 × 2 + 50
    expect(chargeForWindow(101, 0, volume, 'EUR').amount.minor).toBe(201n); // 101 × 1 + 100
    expect(chargeForWindow(2000, 0, volume, 'EUR').amount.minor).toBe(1000n); // 2000 × 0.5
  });

  it('can cost less for more units, which is why the incremental charge may be negative', () => {
    const before = chargeForWindow(100, 0, volume, 'EUR').amount.minor;
    const after = chargeForWindow(101, 0, volume, 'EUR').amount.minor;
    expect(after).toBeLessThan(before);
  });

  it('costs nothing without overage', () => {
    expect(chargeForWindow(5, 10, volume, 'EUR').amount.minor).toBe(0n);
  });
});

describe('package pricing', () => {
  const emails: PricingModel = { model: 'package', packageSize: 100, packagePrice: '100' }; // €1 per 100 emails

  it('bills every started pack ("€1 per 100 emails, partial packs rounded up": 250 emails → 3 packs)', () => {
    const charge = chargeForWindow(1250, 1000, emails, 'EUR');
    expect(charge.overageQuantity).toBe(250);
    expect(toMajorString(charge.amount)).toBe('3.00');
  });

  it('bills an exact number of packs without rounding up', () => {
    expect(chargeForWindow(200, 0, emails, 'EUR').amount.minor).toBe(200n);
    expect(chargeForWindow(201, 0, emails, 'EUR').amount.minor).toBe(300n);
    expect(chargeForWindow(1, 0, emails, 'EUR').amount.minor).toBe(100n);
  });

  it('costs nothing without overage', () => {
    expect(chargeForWindow(1000, 1000, emails, 'EUR').amount.minor).toBe(0n);
  });
});

describe('a quota window spanning several billing periods', () => {
  const pricing: PricingModel = { model: 'per_unit', pricePerUnit: '0.5' };

  it('bills each period the growth of the window’s charge, so the periods add up to the window', () => {
    const included = 100;
    const cumulative = [0, 80, 103, 250]; // window quantity at the end of each billing period
    const perPeriod = cumulative.slice(1).map((quantity, index) => incrementalCharge(cumulative[index], quantity, included, pricing, 'EUR'));
    expect(perPeriod.map((charge) => charge.amount.minor)).toEqual([0n, 2n, 73n]); // 1.5 → 2, then 75 − 2 = 73
    expect(perPeriod.map((charge) => charge.overageQuantity)).toEqual([0, 3, 147]);
    const total = perPeriod.reduce((sum, charge) => sum + charge.amount.minor, 0n);
    expect(total).toBe(chargeForWindow(250, included, pricing, 'EUR').amount.minor);
  });

  it('is negative when the quantity falls (a max or latest aggregation)', () => {
    expect(incrementalCharge(300, 200, 100, pricing, 'EUR').amount.minor).toBe(-50n);
  });
});

describe('validating pricing', () => {
  it('accepts each model', () => {
    for (const pricing of [ocrScans, graduated, volume, { model: 'package', packageSize: 1, packagePrice: '0' } as const]) {
      expect(() => validatePricing(pricing)).not.toThrow();
    }
  });

  it('names the field of a bad per-unit price', () => {
    expectDomainError(() => validatePricing({ model: 'per_unit', pricePerUnit: '-1' }), 'pricing.pricePerUnit', /must not be negative/);
    expectDomainError(() => validatePricing({ model: 'per_unit', pricePerUnit: '0.00001' }), 'pricing.pricePerUnit');
  });

  it('requires at least one tier', () => {
    expectDomainError(() => validatePricing({ model: 'graduated', tiers: [] }), 'pricing.tiers');
  });

  it('requires the last tier to be unbounded', () => {
    expectDomainError(
      () => validatePricing({ model: 'volume', tiers: [{ upTo: 10, unitPrice: '1' }] }),
      'pricing.tiers[0].upTo',
      /must be null/,
    );
  });

  it('allows an unbounded tier only at the end', () => {
    expectDomainError(
      () => validatePricing({ model: 'graduated', tiers: [{ upTo: null, unitPrice: '1' }, { upTo: null, unitPrice: '1' }] }),
      'pricing.tiers[0].upTo',
    );
  });

  it('requires bounds to ascend', () => {
    expectDomainError(
      () =>
        validatePricing({
          model: 'graduated',
          tiers: [
            { upTo: 10, unitPrice: '1' },
            { upTo: 10, unitPrice: '1' },
            { upTo: null, unitPrice: '1' },
          ],
        }),
      'pricing.tiers[1].upTo',
      /greater than the previous tier's upTo \(10\)/,
    );
  });

  it('requires bounds to be positive whole numbers', () => {
    for (const upTo of [0, -5, 2.5]) {
      expectDomainError(
        () => validatePricing({ model: 'volume', tiers: [{ upTo, unitPrice: '1' }, { upTo: null, unitPrice: '1' }] }),
        'pricing.tiers[0].upTo',
        /positive whole number/,
      );
    }
  });

  it('names the tier of a bad unit or flat price', () => {
    expectDomainError(
      () => validatePricing({ model: 'graduated', tiers: [{ upTo: 5, unitPrice: '1' }, { upTo: null, unitPrice: 'abc' }] }),
      'pricing.tiers[1].unitPrice',
    );
    expectDomainError(
      () => validatePricing({ model: 'graduated', tiers: [{ upTo: null, unitPrice: '1', flatPrice: '-3' }] }),
      'pricing.tiers[0].flatPrice',
    );
  });

  it('requires a package of at least one unit and a valid pack price', () => {
    expectDomainError(() => validatePricing({ model: 'package', packageSize: 0, packagePrice: '100' }), 'pricing.packageSize');
    expectDomainError(() => validatePricing({ model: 'package', packageSize: 1.5, packagePrice: '100' }), 'pricing.packageSize');
    expectDomainError(() => validatePricing({ model: 'package', packageSize: 100, packagePrice: 'x' }), 'pricing.packagePrice');
  });

  it('rejects an unknown model from unchecked input', () => {
    expectDomainError(() => validatePricing(JSON.parse('{"model":"flat"}') as PricingModel), 'pricing.model', /"flat" is not one of/);
  });

  it('is applied when charging, as are the quantities and currency', () => {
    expectDomainError(() => chargeForWindow(10, 0, { model: 'per_unit', pricePerUnit: 'x' }, 'EUR'), 'pricing.pricePerUnit');
    expectDomainError(() => chargeForWindow(-1, 0, ocrScans, 'EUR'), 'quantity');
    expectDomainError(() => chargeForWindow(1, Number.NaN, ocrScans, 'EUR'), 'includedQuantity');
    expectDomainError(() => chargeForWindow(1, 0, ocrScans, 'EURO'), 'currency');
  });
});
