// The fields of each pricing model: a per-unit price, tiers (graduated or
// volume) with an open-ended last tier, or a package size and price. Field
// names are the API's paths, so its messages land next to the right input.
import { FieldError } from '../components/field-error';
import { TextField } from '../components/form-fields';
import type { QuotaDraft, TierDraft } from './quota-draft';

interface PricingFieldsProps {
  readonly draft: QuotaDraft;
  readonly change: (next: Partial<QuotaDraft>) => void;
  readonly messageOf: (path: string) => string | undefined;
}

/** A price or quantity field, named by its API path. */
function PriceField({ path, label, value, onInput, messageOf, hint }: { path: string; label: string; value: string; onInput: (value: string) => void; messageOf: (path: string) => string | undefined; hint?: string }) {
  return <TextField name={path} label={label} inputMode="decimal" value={value} onInput={onInput} message={messageOf(path)} hint={hint} />;
}

function TierRows({ draft, change, messageOf }: PricingFieldsProps) {
  const setTier = (index: number, next: Partial<TierDraft>) => change({ tiers: draft.tiers.map((tier, at) => (at === index ? { ...tier, ...next } : tier)) });
  return (
    <fieldset>
      <legend>Tiers (overage units; leave “Up to” empty in the last tier)</legend>
      {draft.tiers.map((tier, index) => {
        const path = `pricing.tiers[${index}]`;
        return (
          <div class="tier" key={index} role="group" aria-label={`Tier ${index + 1}`}>
            <PriceField path={`${path}.upTo`} label="Up to" value={tier.upTo} onInput={(upTo) => setTier(index, { upTo })} messageOf={messageOf} />
            <PriceField path={`${path}.unitPrice`} label="Unit price" value={tier.unitPrice} onInput={(unitPrice) => setTier(index, { unitPrice })} messageOf={messageOf} />
            <PriceField path={`${path}.flatPrice`} label="Flat price" value={tier.flatPrice} onInput={(flatPrice) => setTier(index, { flatPrice })} messageOf={messageOf} />
            <button type="button" class="secondary outline" disabled={draft.tiers.length === 1} onClick={() => change({ tiers: draft.tiers.filter((_, at) => at !== index) })}>
              Remove tier {index + 1}
            </button>
          </div>
        );
      })}
      <FieldError field="pricing.tiers" message={messageOf('pricing.tiers')} />
      <button type="button" class="secondary" onClick={() => change({ tiers: [...draft.tiers, { upTo: '', unitPrice: '', flatPrice: '' }] })}>
        Add a tier
      </button>
    </fieldset>
  );
}

export function PricingFields(props: PricingFieldsProps) {
  const { draft, change, messageOf } = props;
  switch (draft.model) {
    case 'per_unit':
      return (
        <PriceField path="pricing.pricePerUnit" label="Price per unit (minor units)" value={draft.pricePerUnit} onInput={(pricePerUnit) => change({ pricePerUnit })} messageOf={messageOf} hint="5 is 0.05 of the currency; 0.1 is a tenth of a cent." />
      );
    case 'graduated':
    case 'volume':
      return <TierRows {...props} />;
    case 'package':
      return (
        <div class="grid">
          <PriceField path="pricing.packageSize" label="Package size (units)" value={draft.packageSize} onInput={(packageSize) => change({ packageSize })} messageOf={messageOf} />
          <PriceField path="pricing.packagePrice" label="Price per started package (minor units)" value={draft.packagePrice} onInput={(packagePrice) => change({ packagePrice })} messageOf={messageOf} />
        </div>
      );
  }
}
