// Properties every pricing must keep, checked on random prices, tiers and quantities.
import fc from 'fast-check';
import type { Decimal } from 'decimal.js';
import { MoneyDecimal, roundMinor } from '../../src/domain/money';
import { chargeForWindow, incrementalCharge, unroundedOverageCharge, type PricingModel, type Tier } from '../../src/domain/pricing';

// Prices: minor units with up to 4 decimals, from 0 to 10 000 minor units.
const priceArb = fc.integer({ min: 0, max: 100_000_000 }).map((tenThousandths) => new MoneyDecimal(tenThousandths).dividedBy(10_000).toFixed());

const tiersArb: fc.Arbitrary<Tier[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 4 })
  .chain((bounds) => {
    const upTos: (number | null)[] = [...bounds.sort((a, b) => a - b), null];
    return fc.tuple(...upTos.map((upTo) => fc.record({ unitPrice: priceArb, flatPrice: fc.option(priceArb, { nil: undefined }) }).map(
      ({ unitPrice, flatPrice }): Tier => (flatPrice === undefined ? { upTo, unitPrice } : { upTo, unitPrice, flatPrice }),
    )));
  });

const pricingArb: fc.Arbitrary<PricingModel> = fc.oneof(
  priceArb.map((pricePerUnit): PricingModel => ({ model: 'per_unit', pricePerUnit })),
  tiersArb.map((tiers): PricingModel => ({ model: 'graduated', tiers })),
  tiersArb.map((tiers): PricingModel => ({ model: 'volume', tiers })),
  fc.record({ packageSize: fc.integer({ min: 1, max: 500 }), packagePrice: priceArb }).map((p): PricingModel => ({ model: 'package', ...p })),
);

// Whole quantities mostly, plus fractional ones such as gigabytes.
const quantityArb = fc.oneof(
  fc.integer({ min: 0, max: 20_000 }),
  fc.integer({ min: 0, max: 20_000_000 }).map((thousandths) => thousandths / 1000),
);

const currencyArb = fc.constantFrom('EUR', 'JPY', 'BHD', 'CLF');

describe('pricing properties', () => {
  it('never charges a negative amount', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, pricingArb, currencyArb, (quantity, included, pricing, currency) => {
        expect(chargeForWindow(quantity, included, pricing, currency).amount.minor >= 0n).toBe(true);
      }),
    );
  });

  it('rounds a line to within half a minor unit of its exact value (so always below one)', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, pricingArb, currencyArb, (quantity, included, pricing, currency) => {
        const charge = chargeForWindow(quantity, included, pricing, currency);
        const exact = unroundedOverageCharge(charge.overageQuantity, pricing);
        const error = new MoneyDecimal(charge.amount.minor.toString()).minus(exact).abs();
        expect(error.lte('0.5')).toBe(true);
        expect(error.lt(1)).toBe(true);
      }),
    );
  });

  it('charges nothing within the included quantity, and above it only for the overage', () => {
    fc.assert(
      fc.property(fc.nat(20_000), fc.nat(20_000), pricingArb, (quantity, included, pricing) => {
        const charge = chargeForWindow(quantity, included, pricing, 'EUR');
        if (quantity <= included) {
          expect(charge.overageQuantity).toBe(0);
          expect(charge.amount.minor).toBe(0n);
        } else {
          expect(charge.overageQuantity).toBe(quantity - included);
          expect(charge.amount).toEqual(chargeForWindow(quantity - included, 0, pricing, 'EUR').amount);
        }
      }),
    );
  });

  it('prices a graduated line as the sum of its tiers, unit by unit, rounded once', () => {
    // Independent oracle: walk the units one by one, add the price of the tier
    // each unit falls in and the flat fee the first time a tier is entered.
    const oracle = (overage: number, tiers: readonly Tier[]): Decimal => {
      let total = new MoneyDecimal(0);
      let tierIndex = -1;
      for (let unit = 1; unit <= overage; unit += 1) {
        const unitTier = tiers.findIndex((tier) => tier.upTo === null || unit <= tier.upTo);
        if (unitTier !== tierIndex) {
          tierIndex = unitTier;
          total = total.plus(tiers[unitTier].flatPrice ?? 0);
        }
        total = total.plus(tiers[unitTier].unitPrice);
      }
      return total;
    };
    fc.assert(
      fc.property(fc.nat(4000), fc.nat(500), tiersArb, fc.constantFrom('EUR', 'BHD'), (quantity, included, tiers, currency) => {
        const pricing: PricingModel = { model: 'graduated', tiers };
        const expected = oracle(Math.max(quantity - included, 0), tiers);
        expect(unroundedOverageCharge(Math.max(quantity - included, 0), pricing).equals(expected)).toBe(true);
        expect(chargeForWindow(quantity, included, pricing, currency).amount).toEqual(roundMinor(expected, currency));
      }),
      { numRuns: 200 },
    );
  });

  it('bills a volume line entirely at the rate of the tier its total falls in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4000 }), tiersArb, (overage, tiers) => {
        // The tier generator always ends with an unbounded tier, so one is found.
        const tier = tiers.find((candidate) => candidate.upTo === null || overage <= candidate.upTo) ?? tiers[tiers.length - 1];
        const expected = new MoneyDecimal(overage).times(tier.unitPrice).plus(tier.flatPrice ?? 0);
        expect(unroundedOverageCharge(overage, { model: 'volume', tiers }).equals(expected)).toBe(true);
      }),
    );
  });

  it('bills a package line as the number of started packs times the pack price', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 1000 }), priceArb, (overage, packageSize, packagePrice) => {
        const packs = Math.floor((overage + packageSize - 1) / packageSize);
        const expected = new MoneyDecimal(packs).times(packagePrice);
        expect(unroundedOverageCharge(overage, { model: 'package', packageSize, packagePrice }).equals(expected)).toBe(true);
      }),
    );
  });

  it('never charges less for more usage under per-unit, graduated and package pricing', () => {
    const monotoneModels = pricingArb.filter((pricing) => pricing.model !== 'volume');
    fc.assert(
      fc.property(quantityArb, quantityArb, quantityArb, monotoneModels, (a, b, included, pricing) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(chargeForWindow(less, included, pricing, 'EUR').amount.minor <= chargeForWindow(more, included, pricing, 'EUR').amount.minor).toBe(true);
      }),
    );
  });

  it('splits a window across billing periods so that the periods add up to the window', () => {
    fc.assert(
      fc.property(fc.array(quantityArb, { minLength: 1, maxLength: 12 }), quantityArb, pricingArb, currencyArb, (levels, included, pricing, currency) => {
        // levels: the window's cumulative quantity at each billing period's end
        let total = 0n;
        levels.forEach((level, index) => {
          total += incrementalCharge(index === 0 ? 0 : levels[index - 1], level, included, pricing, currency).amount.minor;
        });
        expect(total).toBe(chargeForWindow(levels[levels.length - 1], included, pricing, currency).amount.minor);
      }),
    );
  });
});
