// Alert rules over HTTP, and crossings decided with the usage: a hundred
// concurrent single-unit writes across 80% and 100% of a quota leave exactly
// one crossing per rule in the log, appended with the usage that crossed it.
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import { organizationStreamId, type OrganizationEvent } from '../../src/domain/events';
import { startApi, type RunningApi } from '../support/api-harness';

describe('alert rules', () => {
  let api: RunningApi;
  let apiKey: string;

  beforeAll(async () => {
    api = await startApi();
    ({ apiKey } = await api.createOrganization('org_alerts'));
    await api.request('POST', '/api/usage/org_alerts/quota', { apiKey, body: { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5 } });
  });

  afterAll(() => api.close());

  const events = async (): Promise<OrganizationEvent[]> =>
    (await api.store.readStream(organizationStreamId('org_alerts'))).map(decodeEvent).filter((event): event is OrganizationEvent => event !== null);

  it('fire exactly once each when 100 concurrent single-unit writes cross 80% and 100%', async () => {
    for (const percentOfIncluded of [80, 100]) {
      const set = await api.request('POST', '/api/organizations/org_alerts/alerts', { apiKey, body: { ruleId: `ocr-${percentOfIncluded}`, feature: 'OCR_SCAN', percentOfIncluded } });
      expect(set.status).toBe(201);
    }
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_alerts', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `scan-${i}` } })),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const log = await events();
    const crossings = log.filter((event) => event.type === 'UsageThresholdCrossed');
    expect(crossings.map((event) => event.type === 'UsageThresholdCrossed' && [event.data.ruleId, event.data.threshold, event.data.value])).toEqual([
      ['ocr-80', '80', '80'],
      ['ocr-100', '100', '100'],
    ]);
    // Each crossing sits right after the usage that crossed it, in the same append.
    for (const crossing of crossings) expect(log[log.indexOf(crossing) - 1].type).toBe('UsageRecorded');
  });

  it('list, replace and remove rules; a replaced rule past its threshold fires once at once', async () => {
    const list = (await (await api.request('GET', '/api/organizations/org_alerts/alerts', { apiKey })).json()) as { rules: { ruleId: string }[] };
    expect(list.rules.map((rule) => rule.ruleId)).toEqual(['ocr-80', 'ocr-100']);
    const replaced = (await (await api.request('POST', '/api/organizations/org_alerts/alerts', { apiKey, body: { ruleId: 'ocr-80', feature: 'OCR_SCAN', quantity: 90 } })).json()) as {
      quantity: number;
      firedOnCreation: boolean;
    };
    expect(replaced).toMatchObject({ quantity: 90, firedOnCreation: true });
    expect((await api.request('DELETE', '/api/organizations/org_alerts/alerts/ocr-80', { apiKey })).status).toBe(200);
    expect((await api.request('DELETE', '/api/organizations/org_alerts/alerts/ocr-80', { apiKey })).status).toBe(404);
  });

  it('refuse a rule that mixes a feature and an overage, naming the field', async () => {
    const refused = await api.request('POST', '/api/organizations/org_alerts/alerts', { apiKey, body: { feature: 'OCR_SCAN', quantity: 5, overageAmount: '10.00', currency: 'EUR' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { path: string }[] }).errors[0].path).toBe('overageAmount');
  });
});
