// The organizations of the scale benchmark's log: one large organization and
// many small ones, each with a profile of quotas and the features it uses.
// Their configuration events come from the domain's own decisions, and so does
// where a usage event counts (billing period and quota window): each profile
// asks its ledger once per feature and day, and every event of that day reuses
// the answer, so five million events cost a few thousand decisions.
import type { OrganizationCommand } from '../../src/domain/commands';
import type { OrganizationEvent, UsagePlacement } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';

export interface QuotaSetting {
  readonly feature: string;
  readonly includedQuantity: number;
  readonly pricePerUnit: number;
  readonly resetPeriod: 'DAILY' | 'WEEKLY' | 'MONTHLY';
}

export interface OrganizationProfile {
  readonly name: string;
  readonly quotas: readonly QuotaSetting[];
  /** Features the organization reports, with their share of its events (shares add up to 1). */
  readonly features: readonly { readonly feature: string; readonly share: number }[];
}

/** The large organization: mostly API calls, some scans and messages, storage readings. */
export const LARGE_PROFILE: OrganizationProfile = {
  name: 'large',
  quotas: [
    { feature: 'API_CALL', includedQuantity: 1_000_000, pricePerUnit: 0.1, resetPeriod: 'MONTHLY' },
    { feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5, resetPeriod: 'MONTHLY' },
    { feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' },
  ],
  features: [
    { feature: 'API_CALL', share: 0.7 },
    { feature: 'OCR_SCAN', share: 0.15 },
    { feature: 'SMS_SENT', share: 0.1 },
    { feature: 'STORAGE_GB', share: 0.05 },
  ],
};

/** Small organizations take these profiles in turn: monthly, daily and weekly windows, sums and a reading. */
export const SMALL_PROFILES: readonly OrganizationProfile[] = [
  {
    name: 'api',
    quotas: [{ feature: 'API_CALL', includedQuantity: 10_000, pricePerUnit: 0.1, resetPeriod: 'MONTHLY' }],
    features: [
      { feature: 'API_CALL', share: 0.8 },
      { feature: 'EMAIL_SENT', share: 0.15 },
      { feature: 'PDF_EXPORT', share: 0.05 },
    ],
  },
  {
    name: 'messaging',
    quotas: [
      { feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' },
      { feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5, resetPeriod: 'MONTHLY' },
    ],
    features: [
      { feature: 'SMS_SENT', share: 0.5 },
      { feature: 'OCR_SCAN', share: 0.3 },
      { feature: 'API_CALL', share: 0.2 },
    ],
  },
  {
    name: 'documents',
    quotas: [
      { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, resetPeriod: 'MONTHLY' },
      { feature: 'STORAGE_GB', includedQuantity: 5, pricePerUnit: 2, resetPeriod: 'MONTHLY' },
    ],
    features: [
      { feature: 'OCR_SCAN', share: 0.6 },
      { feature: 'STORAGE_GB', share: 0.1 },
      { feature: 'EMAIL_SENT', share: 0.3 },
    ],
  },
  {
    name: 'integrations',
    quotas: [
      { feature: 'API_CALL', includedQuantity: 2_500, pricePerUnit: 0.1, resetPeriod: 'WEEKLY' },
      { feature: 'EMAIL_SENT', includedQuantity: 1_000, pricePerUnit: 0.5, resetPeriod: 'MONTHLY' },
    ],
    features: [
      { feature: 'API_CALL', share: 0.5 },
      { feature: 'WEBHOOK', share: 0.3 },
      { feature: 'EMAIL_SENT', share: 0.1 },
      { feature: 'BANK_SYNC', share: 0.1 },
    ],
  },
];

/** What an organization's stream starts with: created (UTC, anchor day 1), then its quotas. */
export function configurationCommands(organizationId: string, profile: OrganizationProfile): OrganizationCommand[] {
  return [
    { type: 'ConfigureOrganization', data: { organizationId, name: `Scale ${organizationId}` } },
    ...profile.quotas.map((quota): OrganizationCommand => ({ type: 'ConfigureQuota', data: { organizationId, ...quota } })),
  ];
}

/** The configuration events, as the write side decides them at `configuredAt`. */
export function configurationEvents(organizationId: string, profile: OrganizationProfile, configuredAt: Date): OrganizationEvent[] {
  const batch = OrganizationLedger.empty().decideAll(configurationCommands(organizationId, profile), configuredAt);
  for (const decision of batch.decisions) if ('error' in decision) throw decision.error;
  return [...batch.events];
}

/**
 * Where usage of a profile's organizations counts, per feature and UTC day:
 * the billing period and quota window the write side would give it. Every
 * organization of a profile has the same calendar and quotas, so one ledger per
 * profile answers for all of them.
 */
export class UsagePlacements {
  private readonly ledgers = new Map<string, OrganizationLedger>();
  private readonly placements = new Map<string, UsagePlacement>();

  constructor(
    private readonly configuredAt: Date,
    private readonly now: Date,
  ) {}

  placementOf(profile: OrganizationProfile, feature: string, happenedAt: Date): UsagePlacement {
    const day = happenedAt.toISOString().slice(0, 10);
    const cacheKey = `${profile.name}|${feature}|${day}`;
    const cached = this.placements.get(cacheKey);
    if (cached) return cached;
    const [event] = this.ledgerOf(profile).decide(
      { type: 'TrackUsage', data: { organizationId: 'org_placement', items: [{ feature, quantity: 1, idempotencyKey: 'placement', timestamp: happenedAt.toISOString() }] } },
      this.now,
    );
    if (event?.type !== 'UsageRecorded') throw new Error(`usage of ${feature} at ${happenedAt.toISOString()} would not count on time (${event?.type})`);
    const placement = { billingPeriod: event.data.billingPeriod, window: event.data.window };
    this.placements.set(cacheKey, placement);
    return placement;
  }

  private ledgerOf(profile: OrganizationProfile): OrganizationLedger {
    let ledger = this.ledgers.get(profile.name);
    if (!ledger) {
      ledger = OrganizationLedger.from(configurationEvents('org_placement', profile, this.configuredAt));
      this.ledgers.set(profile.name, ledger);
    }
    return ledger;
  }
}
