// Hard quotas over HTTP: refused at ingest with 403 quota-exceeded, exact
// under concurrent writers in one process and in two processes on the same
// event store, duplicates still duplicates, quota answers that include a write
// acknowledged a moment earlier (on the other process too), and reservations.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { FixedClock } from '../support/fixed-clock';
import { startApi, type RunningApi } from '../support/api-harness';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { stackSettings, tallyProcessEnvironment } from '../support/stack-settings';

const json = async (answer: Response) => ({ status: answer.status, body: (await answer.json()) as Record<string, unknown> });

describe('hard quotas in one API process', () => {
  const clock = new FixedClock(new Date('2026-11-15T12:00:00Z'));
  let api: RunningApi;
  let apiKey: string;

  beforeAll(async () => {
    api = await startApi({ clock });
    ({ apiKey } = await api.createOrganization('org_hard'));
    const configured = await api.request('POST', '/api/usage/org_hard/quota', {
      apiKey,
      body: { feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5, enforcement: 'hard' },
    });
    expect(configured.status).toBe(200);
  });

  afterAll(() => api.close());

  const track = (body: Record<string, unknown>) => api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_hard', ...body } });

  it('accepts exactly 50 of 200 concurrent single-unit requests against 50 free, and refuses the rest with 403 quota-exceeded', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => track({ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `scan-${i}` })));
    const accepted = answers.filter((answer) => answer.status === 200).length;
    const refused = answers.filter((answer) => answer.status === 403);
    expect(accepted).toBe(50);
    expect(refused).toHaveLength(150);
    const problem = await json(refused[0]);
    expect(problem.body).toMatchObject({ type: 'https://tally.dev/problems/quota-exceeded', status: 403, feature: 'OCR_SCAN', included: 50, used: 50, remaining: 0 });
    const check = await json(await api.request('GET', '/api/usage/org_hard/quota/OCR_SCAN', { apiKey }));
    expect(check.body).toMatchObject({ used: 50, remaining: 0, allowed: false, hasQuota: false });
  });

  it('still answers a repeat of an accepted key as a duplicate once the quota is used up', async () => {
    const repeat = await json(await track({ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'scan-0' }));
    expect(repeat).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it('refuses a bulk whole, naming each refusing item, and stores nothing of it', async () => {
    const bulk = await json(
      await api.request('POST', '/api/usage/track/bulk', {
        apiKey,
        body: { organizationId: 'org_hard', items: [{ feature: 'API_CALL', quantity: 3 }, { feature: 'OCR_SCAN', quantity: 1 }] },
      }),
    );
    expect(bulk).toMatchObject({ status: 403, body: { errors: [{ path: 'items[1].quantity' }] } });
    const check = await json(await api.request('GET', '/api/usage/org_hard/quota/API_CALL', { apiKey }));
    expect(check.body).toMatchObject({ used: 0 });
  });

  it('answers a quota check with a write acknowledged just before it, asking for N more', async () => {
    await api.request('POST', '/api/usage/org_hard/quota', { apiKey, body: { feature: 'SMS_SENT', includedQuantity: 10, pricePerUnit: 10, enforcement: 'hard' } });
    const written = await json(await track({ feature: 'SMS_SENT', quantity: 7 }));
    const check = await json(await api.request('GET', '/api/usage/org_hard/quota/SMS_SENT?quantity=4', { apiKey }));
    expect(check.body).toMatchObject({ used: 7, remaining: 3, requested: 4, allowed: false, hasQuota: true });
    expect(BigInt((check.body.freshness as { position: string }).position)).toBeGreaterThanOrEqual(BigInt(written.body.position as string));
    expect((await json(await api.request('GET', '/api/usage/org_hard/quota/SMS_SENT?quantity=3', { apiKey }))).body).toMatchObject({ allowed: true });
  });

  describe('reservations', () => {
    beforeAll(async () => {
      await api.request('POST', '/api/usage/org_hard/quota', { apiKey, body: { feature: 'AI_CLASSIFICATION', includedQuantity: 100, pricePerUnit: 1, enforcement: 'hard' } });
    });
    const reserve = (quantity: number, extra: Record<string, unknown> = {}) =>
      api.request('POST', '/api/usage/org_hard/reservations', { apiKey, body: { feature: 'AI_CLASSIFICATION', quantity, expiresInSeconds: 300, ...extra } });
    const check = async () => (await json(await api.request('GET', '/api/usage/org_hard/quota/AI_CLASSIFICATION', { apiKey }))).body;

    it('hold quantity, commit a smaller amount and let the rest go', async () => {
      const made = await json(await reserve(30, { idempotencyKey: 'job-1' }));
      expect(made).toMatchObject({ status: 201, body: { quantity: 30, duplicate: false } });
      expect(await check()).toMatchObject({ used: 0, reserved: 30, remaining: 70 });
      // Asked again with the same key: the same reservation.
      expect(await json(await reserve(30, { idempotencyKey: 'job-1' }))).toMatchObject({ status: 200, body: { reservationId: made.body.reservationId, duplicate: true } });
      const committed = await json(await api.request('POST', `/api/usage/org_hard/reservations/${made.body.reservationId}/commit`, { apiKey, body: { quantity: 12 } }));
      expect(committed).toMatchObject({ status: 200, body: { committedQuantity: 12, duplicate: false } });
      expect(await check()).toMatchObject({ used: 12, reserved: 0, remaining: 88 });
      const again = await json(await api.request('POST', `/api/usage/org_hard/reservations/${made.body.reservationId}/commit`, { apiKey, body: { quantity: 12 } }));
      expect(again.body).toMatchObject({ duplicate: true });
    });

    it('refuse a hold that does not fit, and a commit larger than what still fits', async () => {
      expect((await json(await reserve(89))).status).toBe(403);
      const made = await json(await reserve(80));
      await track({ feature: 'AI_CLASSIFICATION', quantity: 5 });
      const tooMuch = await json(await api.request('POST', `/api/usage/org_hard/reservations/${made.body.reservationId}/commit`, { apiKey, body: { quantity: 84 } }));
      // 17 used; the reservation's own hold does not stand in its commit's way: 83 fit, 84 do not.
      expect(tooMuch).toMatchObject({ status: 403, body: { feature: 'AI_CLASSIFICATION', used: 17, reserved: 0, remaining: 83 } });
      const larger = await json(await api.request('POST', `/api/usage/org_hard/reservations/${made.body.reservationId}/commit`, { apiKey, body: { quantity: 83 } }));
      expect(larger.status).toBe(200);
      expect(await check()).toMatchObject({ used: 100, reserved: 0, remaining: 0 });
    });

    it('release a hold, and stop holding at expiry on the clock', async () => {
      await api.request('POST', '/api/usage/org_hard/quota', { apiKey, body: { feature: 'AI_CLASSIFICATION', includedQuantity: 200, pricePerUnit: 1, enforcement: 'hard' } });
      const released = await json(await reserve(50));
      expect((await json(await api.request('DELETE', `/api/usage/org_hard/reservations/${released.body.reservationId}`, { apiKey }))).body).toMatchObject({ changed: true });
      await json(await reserve(60, { expiresInSeconds: 60 }));
      expect(await check()).toMatchObject({ reserved: 60 });
      clock.advance(61_000);
      expect(await check()).toMatchObject({ reserved: 0, remaining: 100 });
    });
  });
});

describe('hard quotas across two API processes on one event store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-two-apis-'));
  const run = randomUUID().slice(0, 8);
  const adminKey = randomBytes(24).toString('hex');
  const env = { ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_two_${run}`, taskQueue: `tally-two-${run}` }), TALLY_ADMIN_KEY: adminKey };
  let first: ApiProcess;
  let second: ApiProcess;

  const call = (api: ApiProcess, method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    [first, second] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
    expect((await call(first, 'POST', '/api/organizations', { organizationId: 'org_shared' })).status).toBe(201);
    expect((await call(second, 'POST', '/api/usage/org_shared/quota', { feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5, enforcement: 'hard' })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    const mongo = await connectMongo(stackSettings().mongodbUrl, env.MONGODB_DATABASE);
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('accepts exactly 50 of 200 concurrent requests split between them', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call(i % 2 === 0 ? first : second, 'POST', '/api/usage/track', { organizationId: 'org_shared', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `two-${i}` })),
    );
    // Every answer is one of the two: a lost race between the processes is decided again, never an error.
    const statuses: Record<number, number> = {};
    for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    expect(statuses).toEqual({ 200: 50, 403: 150 });
  }, 60_000);

  it("answers on one process a quota check that includes the other's write acknowledged just before", async () => {
    await call(first, 'POST', '/api/usage/org_shared/quota', { feature: 'EMAIL_SENT', includedQuantity: 100, pricePerUnit: 1, enforcement: 'hard' });
    for (let i = 1; i <= 3; i++) {
      expect((await call(first, 'POST', '/api/usage/track', { organizationId: 'org_shared', feature: 'EMAIL_SENT', quantity: 10 })).status).toBe(200);
      const check = (await (await call(second, 'GET', '/api/usage/org_shared/quota/EMAIL_SENT')).json()) as { used: number };
      expect(check.used).toBe(10 * i);
    }
  });
});
