// Request and answer schemas of the organization routes: the list, settings
// (currency, calendar, grace period, Stripe), custom features and API keys.
import { z } from 'zod';
import { AGGREGATIONS } from '../../../domain/catalogue';
import { MAX_GRACE_PERIOD_MINUTES, STRIPE_BILLING_MODES, STRIPE_CUSTOMER_ID } from '../../../domain/organization-settings';
import { RESET_PERIODS } from '../../../domain/periods';
import { currencyCode, featureKey, freshness, organizationId, readQuery, text } from './common-schemas';
import { pricingModel } from './quota-schemas';
import type { ApiKeyView, IssuedApiKey, RevokedApiKey } from '../../../application/api-keys/api-keys';
import type { WriteResult } from '../../../application/usage/usage-commands';
import { MAX_ORGANIZATIONS_PAGE, type OrganizationList, type OrganizationView } from '../../../application/usage/usage-queries';
import { answerSchema } from './answer-schema';

const settingsFields = {
  name: text(1, 200).meta({ example: 'Acme GmbH' }),
  currency: currencyCode.meta({ description: 'ISO 4217 code of quotas configured without one', example: 'EUR' }),
  timeZone: z.string().min(1).max(64).meta({ description: 'IANA zone the billing periods follow', example: 'Europe/Berlin' }),
  billingAnchorDay: z.number().int().min(1).max(31).meta({ description: 'Day of the month a billing period starts; 31 means the last day of shorter months', example: 1 }),
  gracePeriodMinutes: z
    .number()
    .int()
    .min(0)
    .max(MAX_GRACE_PERIOD_MINUTES)
    .meta({ description: 'How long after a period ends late usage still counts there', example: 60 }),
  stripeCustomerId: z.string().max(255).regex(STRIPE_CUSTOMER_ID, 'must be a Stripe customer id such as "cus_123"').nullable().meta({ example: 'cus_123' }),
  stripeBillingMode: z.enum(STRIPE_BILLING_MODES as readonly ['meter', 'invoice']).meta({ description: 'Bill through a Stripe meter or through invoice items' }),
};

const optionalSettings = z.strictObject(settingsFields).partial();

export const createOrganizationBody = optionalSettings
  .extend({ organizationId })
  .meta({
    id: 'CreateOrganizationRequest',
    description: 'Unset settings take the defaults: EUR, UTC, anchor day 1, 60 minutes of grace, Stripe meters',
    example: { organizationId: 'org_123', name: 'Acme GmbH', currency: 'EUR', timeZone: 'Europe/Berlin' },
  });

export const updateOrganizationBody = optionalSettings.meta({
  id: 'UpdateOrganizationRequest',
  description: 'Only the settings given change; timeZone and billingAnchorDay are fixed once usage was recorded',
  example: { gracePeriodMinutes: 120, stripeCustomerId: 'cus_123' },
});

export const createdOrganization = answerSchema<WriteResult & { readonly organizationId: string }>()(
  z
    .object({ organizationId: z.string(), changed: z.boolean(), position: z.string().nullable() })
    .meta({ id: 'CreatedOrganization' }),
);

export const organizationView = answerSchema<OrganizationView>()(
  z
    .object({
      organizationId: z.string(),
      ...settingsFields,
      stripeCustomerId: z.string().nullable(),
      customFeatures: z.array(z.object({ key: z.string(), displayName: z.string(), unit: z.string(), aggregation: z.string() })),
      quotas: z.array(
        z.object({
          feature: z.string(),
          includedQuantity: z.number(),
          pricing: pricingModel,
          currency: z.string(),
          resetPeriod: z.enum(RESET_PERIODS),
          enforcement: z.enum(['soft', 'hard']),
        }),
      ),
      freshness,
    })
    .meta({ id: 'Organization' }),
);

export const customFeatureBody = z
  .strictObject({
    key: featureKey.meta({ example: 'VIDEO_MINUTE' }),
    displayName: text(1, 100).meta({ example: 'Video minutes' }),
    unit: text(1, 32).meta({ example: 'minute' }),
    aggregation: z
      .enum(AGGREGATIONS as readonly ['sum', 'max', 'latest'])
      .optional()
      .meta({ description: '"sum" adds events (default); "max" and "latest" treat them as readings' }),
  })
  .meta({ id: 'DefineCustomFeatureRequest', example: { key: 'VIDEO_MINUTE', displayName: 'Video minutes', unit: 'minute' } });

export const issueApiKeyBody = z
  .strictObject({ label: text(1, 100).optional().meta({ example: 'production backend' }) })
  .meta({ id: 'IssueApiKeyRequest', example: { label: 'production backend' } });

export const issuedApiKey = answerSchema<IssuedApiKey>()(
  z
    .object({
      keyId: z.string(),
      organizationId: z.string(),
      apiKey: z.string().meta({ description: 'Shown this once; Tally keeps only its hash' }),
      label: z.string().nullable(),
      issuedAt: z.string(),
      position: z.string(),
    })
    .meta({ id: 'IssuedApiKey' }),
);

export const organizationListQuery = readQuery.extend({
  search: z
    .string()
    // 1 to 64 characters, without spaces around them: what a person types to find a name.
    .regex(/^\S(.{0,62}\S)?$/, 'must be 1 to 64 characters, not starting or ending with a space')
    .optional()
    .meta({ description: 'Only organizations whose id or name contains this text, in any case', example: 'acme' }),
  after: organizationId.optional().meta({ description: 'The `next` of the previous page', example: 'org_123' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ORGANIZATIONS_PAGE)
    .optional()
    .meta({ description: `Organizations per page (default 50, at most ${MAX_ORGANIZATIONS_PAGE})`, example: 50 }),
});

export const organizationList = answerSchema<OrganizationList>()(
  z
    .object({
      organizations: z.array(z.object({ organizationId: z.string(), name: z.string() })),
      next: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last one' }),
      freshness,
    })
    .meta({ id: 'OrganizationList' }),
);

export const apiKeyList = answerSchema<{ keys: ApiKeyView[] }>()(
  z
    .object({
      keys: z.array(
        z.object({
          keyId: z.string(),
          organizationId: z.string(),
          label: z.string().nullable(),
          issuedAt: z.string(),
          revokedAt: z.string().nullable().meta({ description: 'Null while the key is accepted' }),
        }),
      ),
    })
    .meta({ id: 'ApiKeyList' }),
);

export const apiKeyPathParams = z.strictObject({
  orgId: organizationId,
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be the 16 hex digits of a key id'),
});

export const revokedApiKey = answerSchema<RevokedApiKey>()(
  z
    .object({ keyId: z.string(), organizationId: z.string(), revokedAt: z.string(), changed: z.boolean() })
    .meta({ id: 'RevokedApiKey' }),
);
