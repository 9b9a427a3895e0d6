// The answer and request shapes of Tally's API, by name, straight from the
// types generated out of its OpenAPI document: nothing here is written by hand.
import type { components, operations, paths } from '../../generated/tally-api';

export type { paths };

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type Freshness = Schemas['Freshness'];
export type Organization = Schemas['Organization'];
export type CreateOrganizationRequest = Schemas['CreateOrganizationRequest'];
export type CurrentUsage = Schemas['CurrentUsage'];
export type FeatureUsage = Schemas['FeatureUsage'];
export type QuotaCheck = Schemas['QuotaCheck'];
export type CostEstimate = Schemas['CostEstimate'];
export type UsageHistory = Schemas['UsageHistory'];
export type HistoryPeriod = UsageHistory['periods'][number];
export type ConfigureQuotaRequest = Schemas['ConfigureQuotaRequest'];
export type PricingModel = Schemas['PricingModel'];
export type ConfiguredQuota = Organization['quotas'][number];
export type IssuedApiKey = Schemas['IssuedApiKey'];
export type RevokedApiKey = Schemas['RevokedApiKey'];
export type PeriodAudit = Schemas['PeriodAudit'];
export type AuditDifference = PeriodAudit['differences'][number];
export type AuditedFeature = PeriodAudit['features'][number];
export type BillingStatus = Schemas['BillingStatus'];
export type BillingJob = operations['runBillingJob']['parameters']['path']['job'];
export type BillingJobResult = Schemas['BillingJobResult'];
export type ResetPeriod = NonNullable<ConfigureQuotaRequest['resetPeriod']>;
export type Enforcement = NonNullable<ConfigureQuotaRequest['enforcement']>;
export type PricingModelName = PricingModel['model'];
export type AlertRule = Schemas['AlertRule'];
export type SetAlertRuleRequest = Schemas['SetAlertRuleRequest'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type OrganizationList = Schemas['OrganizationList'];
export type ListedOrganization = OrganizationList['organizations'][number];
export type ApiKeyList = Schemas['ApiKeyList'];
export type ListedApiKey = ApiKeyList['keys'][number];
export type DailyUsage = Schemas['DailyUsage'];
export type DailyUsageLine = DailyUsage['days'][number];
