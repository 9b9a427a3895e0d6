// Specifications of the organization decider: configuration, quotas, usage,
// idempotency and the late-usage rule.
import type { OrganizationEvent } from '../../src/domain/events';
import { given, ORG, organizationConfigured } from '../support/organization-spec';

const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const october = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };

const ocrQuota: OrganizationEvent = {
  type: 'QuotaConfigured',
  data: {
    organizationId: ORG,
    feature: 'OCR_SCAN',
    includedQuantity: 100,
    pricing: { model: 'per_unit', pricePerUnit: '5' },
    currency: 'EUR',
    resetPeriod: 'MONTHLY',
    enforcement: 'soft',
    configuredAt: '2026-11-01T00:00:00.000Z',
  },
};

const track = (items: object[], bulk = false) =>
  ({ type: 'TrackUsage', data: { organizationId: ORG, items, ...(bulk && { bulk }) } }) as never;

const recorded = (overrides: Record<string, unknown> = {}): OrganizationEvent =>
  ({
    type: 'UsageRecorded',
    data: {
      organizationId: ORG,
      feature: 'OCR_SCAN',
      quantity: 1,
      idempotencyKey: 'scan-1',
      timestamp: '2026-11-15T12:00:00.000Z',
      recordedAt: '2026-11-15T12:00:00.000Z',
      billingPeriod: november,
      window: november,
      ...overrides,
    },
  }) as OrganizationEvent;

describe('configuring an organization', () => {
  it('creates it with the defaults: EUR, UTC, anchor day 1, one hour of grace', () => {
    given()
      .when({ type: 'ConfigureOrganization', data: { organizationId: ORG } })
      .then([
        {
          type: 'OrganizationConfigured',
          data: {
            organizationId: ORG,
            configuredAt: '2026-11-15T12:00:00.000Z',
            name: ORG,
            currency: 'EUR',
            timeZone: 'UTC',
            billingAnchorDay: 1,
            gracePeriodMinutes: 60,
            stripeCustomerId: null,
            stripeBillingMode: 'meter',
          },
        },
      ]);
  });

  it('changes only what is given', () => {
    given(organizationConfigured())
      .when({ type: 'ConfigureOrganization', data: { organizationId: ORG, currency: 'USD' } })
      .then((events) => expect(events).toEqual([organizationConfigured({ currency: 'USD', configuredAt: '2026-11-15T12:00:00.000Z' })]));
  });

  it('records nothing when the settings are the same', () => {
    given(organizationConfigured()).when({ type: 'ConfigureOrganization', data: { organizationId: ORG, currency: 'EUR' } }).then([]);
  });

  it.each([
    ['currency', { currency: 'EURO' }],
    ['timeZone', { timeZone: 'Mars/Olympus' }],
    ['billingAnchorDay', { billingAnchorDay: 32 }],
    ['gracePeriodMinutes', { gracePeriodMinutes: -1 }],
    ['stripeCustomerId', { stripeCustomerId: 'acme' }],
  ])('rejects an invalid %s, naming the field', (field, change) => {
    given().when({ type: 'ConfigureOrganization', data: { organizationId: ORG, ...change } }).thenFails('validation', field);
  });

  it('refuses to move the billing calendar once usage was recorded', () => {
    given(organizationConfigured(), recorded())
      .when({ type: 'ConfigureOrganization', data: { organizationId: ORG, timeZone: 'Europe/Berlin' } })
      .thenFails('conflict', 'timeZone');
  });
});

describe('defining a custom feature', () => {
  const define = (data: object) => ({ type: 'DefineCustomFeature', data: { organizationId: ORG, ...data } }) as never;

  it('records its key, unit and aggregation', () => {
    given(organizationConfigured())
      .when(define({ key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'max' }))
      .then([
        {
          type: 'CustomFeatureDefined',
          data: { organizationId: ORG, key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'max', definedAt: '2026-11-15T12:00:00.000Z' },
        },
      ]);
  });

  it('refuses a key of a built-in feature', () => {
    given(organizationConfigured()).when(define({ key: 'OCR_SCAN', displayName: 'x', unit: 'x' })).thenFails('conflict', 'key');
  });

  it('refuses to change how a feature aggregates', () => {
    given(organizationConfigured(), {
      type: 'CustomFeatureDefined',
      data: { organizationId: ORG, key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'max', definedAt: '2026-11-01T00:00:00.000Z' },
    })
      .when(define({ key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'sum' }))
      .thenFails('conflict', 'aggregation');
  });
});

describe('configuring a quota', () => {
  const configure = (data: object) => ({ type: 'ConfigureQuota', data: { organizationId: ORG, feature: 'OCR_SCAN', ...data } }) as never;

  it("records the seed's quota: 100 free scans, then 5 cents each", () => {
    given(organizationConfigured())
      .when(configure({ includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' }))
      .then([{ ...ocrQuota, data: { ...(ocrQuota.data as object), configuredAt: '2026-11-15T12:00:00.000Z' } } as OrganizationEvent]);
  });

  it("takes the organization's currency when none is given", () => {
    given(organizationConfigured({ currency: 'JPY' }))
      .when(configure({ includedQuantity: 0, pricePerUnit: 5 }))
      .then((events) => expect(events[0].data).toMatchObject({ currency: 'JPY', resetPeriod: 'MONTHLY', enforcement: 'soft' }));
  });

  it('accepts a graduated price', () => {
    const pricing = { model: 'graduated', tiers: [{ upTo: 1000, unitPrice: '1' }, { upTo: null, unitPrice: '0.5' }] };
    given(organizationConfigured())
      .when(configure({ includedQuantity: 10, pricing }))
      .then((events) => expect(events[0].data).toMatchObject({ pricing }));
  });

  it('records nothing when the quota is unchanged', () => {
    given(organizationConfigured(), ocrQuota).when(configure({ includedQuantity: 100, pricePerUnit: '5' })).then([]);
  });

  it.each([
    ['includedQuantity', { includedQuantity: -1, pricePerUnit: 5 }],
    ['includedQuantity', { includedQuantity: 1.5, pricePerUnit: 5 }],
    ['pricePerUnit', { includedQuantity: 1, pricePerUnit: '0.00001' }],
    ['pricePerUnit', { includedQuantity: 1 }],
    ['currency', { includedQuantity: 1, pricePerUnit: 5, currency: 'XXXX' }],
    ['resetPeriod', { includedQuantity: 1, pricePerUnit: 5, resetPeriod: 'HOURLY' }],
    ['enforcement', { includedQuantity: 1, pricePerUnit: 5, enforcement: 'strict' }],
  ])('rejects an invalid %s', (field, data) => {
    given(organizationConfigured()).when(configure(data)).thenFails('validation', field);
  });

  it('answers not found for an unknown feature', () => {
    given(organizationConfigured()).when(configure({ feature: 'TELEPORT', includedQuantity: 1, pricePerUnit: 1 })).thenFails('not_found', 'feature');
  });

  it('answers not found for an organization that does not exist', () => {
    given().when(configure({ includedQuantity: 1, pricePerUnit: 1 })).thenFails('not_found', 'organizationId');
  });

  it('removes a configured quota, so the catalogue default applies again', () => {
    given(organizationConfigured(), ocrQuota)
      .when({ type: 'RemoveQuota', data: { organizationId: ORG, feature: 'OCR_SCAN' } })
      .then([{ type: 'QuotaRemoved', data: { organizationId: ORG, feature: 'OCR_SCAN', removedAt: '2026-11-15T12:00:00.000Z' } }]);
  });

  it('cannot remove a quota that was never configured', () => {
    given(organizationConfigured()).when({ type: 'RemoveQuota', data: { organizationId: ORG, feature: 'OCR_SCAN' } }).thenFails('not_found', 'feature');
  });
});

describe('tracking usage', () => {
  it('records it in the billing period and quota window of its timestamp', () => {
    given(organizationConfigured())
      .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-1', timestamp: '2026-11-15T12:00:00Z' }]))
      .then([recorded()]);
  });

  it('uses the arrival time when no timestamp is given', () => {
    given(organizationConfigured())
      .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-1' }]), '2026-11-15T12:00:00Z')
      .then([recorded()]);
  });

  it('places usage of a daily quota in its day', () => {
    given(organizationConfigured(), { ...ocrQuota, data: { ...(ocrQuota.data as object), feature: 'SMS_SENT', resetPeriod: 'DAILY' } } as OrganizationEvent)
      .when(track([{ feature: 'SMS_SENT', quantity: 3, idempotencyKey: 'sms-1', timestamp: '2026-11-15T12:00:00Z' }]))
      .then((events) =>
        expect(events[0].data).toMatchObject({
          billingPeriod: november,
          window: { start: '2026-11-15T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z' },
        }),
      );
  });

  it('keeps metadata and the user', () => {
    given(organizationConfigured())
      .when(track([{ feature: 'API_CALL', quantity: 1, idempotencyKey: 'c1', userId: 'user_456', metadata: { endpoint: '/api/invoices', method: 'POST' } }]))
      .then((events) => expect(events[0].data).toMatchObject({ userId: 'user_456', metadata: { endpoint: '/api/invoices', method: 'POST' } }));
  });

  describe('when the idempotency key was accepted before', () => {
    it('logs a repeat with the same content as ignored, counting nothing, however late it comes', () => {
      given(organizationConfigured(), recorded())
        .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-1', timestamp: '2026-11-15T12:00:00Z' }]), '2027-05-01T00:00:00Z')
        .then([
          {
            type: 'UsageDuplicateIgnored',
            data: { organizationId: ORG, feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-1', receivedAt: '2027-05-01T00:00:00.000Z' },
          },
        ]);
    });

    it('treats a repeat without a timestamp as the same event', () => {
      given(organizationConfigured(), recorded())
        .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-1' }]))
        .then((events) => expect(events.map((e) => e.type)).toEqual(['UsageDuplicateIgnored']));
    });

    it.each([
      ['quantity', { feature: 'OCR_SCAN', quantity: 2 }],
      ['feature', { feature: 'API_CALL', quantity: 1 }],
      ['timestamp', { feature: 'OCR_SCAN', quantity: 1, timestamp: '2026-11-15T12:00:01Z' }],
    ])('rejects a repeat with a different %s as a conflict', (_what, item) => {
      given(organizationConfigured(), recorded())
        .when(track([{ ...item, idempotencyKey: 'scan-1' }]))
        .thenFails('conflict', 'idempotencyKey', /already used for different usage/);
    });
  });

  describe('in bulk', () => {
    it('counts a key repeated inside the bulk once', () => {
      given(organizationConfigured())
        .when(track([{ feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'e1' }, { feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'e1' }], true))
        .then((events) => expect(events.map((e) => e.type)).toEqual(['UsageRecorded', 'UsageDuplicateIgnored']));
    });

    it('rejects the whole bulk when one item is invalid, naming the item', () => {
      given(organizationConfigured())
        .when(track([{ feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'e1' }, { feature: 'PDF_EXPORT', quantity: 0, idempotencyKey: 'p1' }], true))
        .thenFails('validation', 'items[1].quantity');
    });

    it('rejects an empty bulk', () => {
      given(organizationConfigured()).when(track([], true)).thenFails('validation', 'items');
    });
  });

  describe('rejects', () => {
    it.each([
      ['a fractional quantity', 'quantity', { feature: 'OCR_SCAN', quantity: 1.5 }],
      ['zero of a summed feature', 'quantity', { feature: 'OCR_SCAN', quantity: 0 }],
      ['a negative reading', 'quantity', { feature: 'STORAGE_GB', quantity: -1 }],
      ['a timestamp more than 5 minutes ahead', 'timestamp', { feature: 'OCR_SCAN', quantity: 1, timestamp: '2026-11-15T12:06:00Z' }],
      ['a timestamp without a zone', 'timestamp', { feature: 'OCR_SCAN', quantity: 1, timestamp: '2026-11-15 12:00' }],
      ['an idempotency key with spaces', 'idempotencyKey', { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'a b' }],
      ['metadata that is not an object', 'metadata', { feature: 'OCR_SCAN', quantity: 1, metadata: [1] }],
    ])('%s', (_case, field, item) => {
      given(organizationConfigured()).when(track([{ idempotencyKey: 'k1', ...item }])).thenFails('validation', field);
    });

    it('an unknown feature as not found', () => {
      given(organizationConfigured()).when(track([{ feature: 'TELEPORT', quantity: 1, idempotencyKey: 'k1' }])).thenFails('not_found', 'feature');
    });

    it('usage for an organization that does not exist as not found', () => {
      given().when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'k1' }])).thenFails('not_found', 'organizationId');
    });
  });

  it('accepts a zero reading of a gauge such as storage', () => {
    given(organizationConfigured())
      .when(track([{ feature: 'STORAGE_GB', quantity: 0, idempotencyKey: 'gb-1' }]))
      .then((events) => expect(events[0]).toMatchObject({ type: 'UsageRecorded', data: { quantity: 0 } }));
  });

  it('accepts a timestamp up to 5 minutes ahead (clock skew)', () => {
    given(organizationConfigured())
      .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'k1', timestamp: '2026-11-15T12:04:59Z' }]))
      .then((events) => expect(events[0].type).toBe('UsageRecorded'));
  });
});

describe('late usage', () => {
  const lastSecondOfOctober = { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'late-1', timestamp: '2026-10-31T23:59:59Z' };

  it('counts in its own period during the grace period', () => {
    given(organizationConfigured())
      .when(track([lastSecondOfOctober]), '2026-11-01T00:59:00Z')
      .then((events) => expect(events[0]).toMatchObject({ type: 'UsageRecorded', data: { billingPeriod: october } }));
  });

  it('becomes a correction in the open period after the grace period, keeping its timestamp', () => {
    given(organizationConfigured())
      .when(track([lastSecondOfOctober]), '2026-11-01T01:00:00Z')
      .then([
        {
          type: 'UsageCorrected',
          data: {
            organizationId: ORG,
            feature: 'OCR_SCAN',
            quantity: 1,
            idempotencyKey: 'late-1',
            timestamp: '2026-10-31T23:59:59.000Z',
            recordedAt: '2026-11-01T01:00:00.000Z',
            billingPeriod: november,
            window: november,
            reason: 'late',
            originalBillingPeriod: october,
          },
        },
      ]);
  });

  it('becomes a correction once its period has closed, even inside the grace period', () => {
    given(organizationConfigured(), { type: 'BillingPeriodClosed', data: { organizationId: ORG, billingPeriod: october, closedAt: '2026-11-01T00:30:00.000Z', features: [] } })
      .when(track([lastSecondOfOctober]), '2026-11-01T00:45:00Z')
      .then((events) => expect(events[0]).toMatchObject({ type: 'UsageCorrected', data: { billingPeriod: november, originalBillingPeriod: october } }));
  });

  it('goes to the next period when the current one was closed early', () => {
    given(organizationConfigured(), { type: 'BillingPeriodClosed', data: { organizationId: ORG, billingPeriod: november, closedAt: '2026-11-15T00:00:00.000Z', features: [] } })
      .when(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'k1' }]))
      .then((events) =>
        expect(events[0]).toMatchObject({
          type: 'UsageCorrected',
          data: { billingPeriod: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' }, window: { start: '2026-12-01T00:00:00.000Z' } },
        }),
      );
  });
});

describe('correcting usage', () => {
  const correct = (data: object) => ({ type: 'CorrectUsage', data: { organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'fix-1', ...data } }) as never;

  it('records a signed adjustment with its reason in the open period', () => {
    given(organizationConfigured())
      .when(correct({ quantity: -3, reason: 'scanner double-counted' }))
      .then((events) => expect(events[0]).toMatchObject({ type: 'UsageCorrected', data: { quantity: -3, reason: 'scanner double-counted', billingPeriod: november } }));
  });

  it('requires a reason', () => {
    given(organizationConfigured()).when(correct({ quantity: -3, reason: ' ' })).thenFails('validation', 'reason');
  });

  it('is idempotent like usage', () => {
    given(organizationConfigured(), { type: 'UsageCorrected', data: { ...(recorded().data as object), idempotencyKey: 'fix-1', quantity: -3, reason: 'x' } } as OrganizationEvent)
      .when(correct({ quantity: -3, reason: 'x' }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['UsageDuplicateIgnored']));
  });
});
