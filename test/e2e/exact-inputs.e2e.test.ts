// Inputs Tally cannot hold exactly are refused with a problem naming the field,
// never rounded, moved or replaced: quantities past what adds up exactly,
// instants that are not in the calendar, corrections from the future, text
// that is not UTF-8.
import { FixedClock } from '../support/fixed-clock';
import { startApi, type RunningApi } from '../support/api-harness';

const MAX_PERIOD_QUANTITY = 562_949_953_421_311;

describe('inputs Tally cannot hold exactly', () => {
  let api: RunningApi;
  let apiKey: string;

  beforeAll(async () => {
    api = await startApi({ clock: new FixedClock(new Date('2026-11-15T12:00:00Z')) });
    ({ apiKey } = await api.createOrganization('org_exact'));
  });

  afterAll(() => api.close());

  const track = (body: Record<string, unknown>) => api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_exact', ...body } });
  const problem = async (answer: Response) => ({ status: answer.status, body: (await answer.json()) as { errors?: { path: string; message: string }[] } });

  it('refuses usage that would take a period past 562,949,953,421,311 units, naming the bound, and keeps what was accepted', async () => {
    expect((await track({ feature: 'API_CALL', quantity: MAX_PERIOD_QUANTITY - 2, idempotencyKey: 'big' })).status).toBe(200);
    const last = await track({ feature: 'API_CALL', quantity: 1, idempotencyKey: 'one' });
    expect(last.status).toBe(200);
    const { position } = (await last.json()) as { position: string };
    const refused = await problem(await track({ feature: 'API_CALL', quantity: 2, idempotencyKey: 'two' }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'quantity', message: expect.stringContaining('562,949,953,421,311') }]);
    const single = await problem(await track({ feature: 'EMAIL_SENT', quantity: 2 ** 53 - 1, idempotencyKey: 'huge' }));
    expect(single).toMatchObject({ status: 400, body: { errors: [{ path: 'quantity' }] } });
    // What was accepted is counted exactly, once.
    const usage = (await (await api.request('GET', `/api/usage/org_exact?features=API_CALL&waitForPosition=${position}`, { apiKey })).json()) as { features: { totalQuantity: number }[] };
    expect(usage.features[0].totalQuantity).toBe(MAX_PERIOD_QUANTITY - 1);
  });

  it('refuses a bulk whose items together would pass the bound, naming the item', async () => {
    const refused = await problem(
      await api.request('POST', '/api/usage/track/bulk', {
        apiKey,
        body: { organizationId: 'org_exact', items: [{ feature: 'WEBHOOK', quantity: MAX_PERIOD_QUANTITY }, { feature: 'WEBHOOK', quantity: 1 }] },
      }),
    );
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ path: 'items[1].quantity' }] } });
  });

  it.each(['2026-02-30T00:00:00Z', '2026-11-15T24:00:00Z', '2026-11-14T23:59:60Z', '2026-11-15T10:00:00+25:00'])('refuses the instant %s, which is not in the calendar', async (timestamp) => {
    const refused = await problem(await track({ feature: 'OCR_SCAN', timestamp }));
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ path: 'timestamp' }] } });
  });

  it('refuses a correction dated in the future', async () => {
    const refused = await problem(
      await api.request('POST', '/api/usage/org_exact/corrections', { body: { feature: 'OCR_SCAN', quantity: 1, reason: 'goodwill', timestamp: '9999-12-31T23:59:59Z' } }),
    );
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ path: 'timestamp' }] } });
  });

  it('refuses a body that is not UTF-8 instead of replacing the bytes', async () => {
    const body = Buffer.concat([Buffer.from('{"organizationId":"org_exact","feature":"OCR_SCAN","userId":"user_'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const answer = await fetch(`${api.url}/api/usage/track`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(/UTF-8/);
  });
});
