// @RequireQuota: a request whose organization has used up a hard quota is
// refused with Nest's ForbiddenException before the handler runs (so nothing
// is billed), checked against Tally's quota answer; what happens when Tally
// cannot answer is the module's choice.
import { createServer } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RequireQuota, TallyModule, TrackUsage, UsageFeature, UsageTracker, type TallyModuleOptions } from '@tally/nestjs';
import { FRESHNESS, startFakeTallyServer, type FakeTallyServer } from '../sdk/support/fake-tally-server';
import { bulksReceived, HeaderAuthGuard, startNestApp, type RunningNestApp } from './support/nest-harness';

let handled = 0;

@Controller('reports')
@RequireQuota(UsageFeature.CUSTOM_REPORT)
class ReportsController {
  @Get()
  @TrackUsage(UsageFeature.CUSTOM_REPORT)
  list() {
    handled += 1;
    return { reports: [] };
  }

  @Get('api')
  @RequireQuota(UsageFeature.API_CALL)
  @TrackUsage(UsageFeature.API_CALL)
  api() {
    handled += 1;
    return { ok: true };
  }
}

function appModule(options: Partial<TallyModuleOptions> & { baseUrl: string }) {
  @Module({
    imports: [TallyModule.forRoot({ apiKey: 'tk_admin', tracking: { flushIntervalMs: 60_000 }, ...options })],
    controllers: [ReportsController],
    providers: [{ provide: APP_GUARD, useClass: HeaderAuthGuard }],
  })
  class AppModule {}
  return AppModule;
}

function quotaAnswer(feature: string, hasQuota: boolean) {
  return {
    status: 200,
    body: {
      organizationId: 'org_123',
      feature,
      allowed: hasQuota,
      requested: 1,
      hasQuota,
      withinIncluded: hasQuota,
      used: hasQuota ? 3 : 10,
      reserved: 0,
      included: 10,
      remaining: hasQuota ? 7 : 0,
      enforcement: 'hard',
      resetPeriod: 'MONTHLY',
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
      freshness: FRESHNESS,
    },
  };
}

/** A loopback port nothing listens on: it was free a moment ago and is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let tally: FakeTallyServer;
let app: RunningNestApp | undefined;

beforeEach(async () => {
  tally = await startFakeTallyServer();
  handled = 0;
});

afterEach(async () => {
  await app?.app.close();
  app = undefined;
  await tally.close();
});

const quotaChecks = () => tally.requests.filter((request) => request.url.includes('/quota/')).map((request) => [request.url, request.headers.authorization]);

describe('@RequireQuota', () => {
  it('lets the request through while the organization has quota, asking Tally with the module key', async () => {
    app = await startNestApp(appModule({ baseUrl: tally.baseUrl }));
    tally.script(quotaAnswer('API_CALL', true), quotaAnswer('CUSTOM_REPORT', true));
    const response = await app.request('GET', '/reports/api', { organizationId: 'org_123' });
    expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
    expect(quotaChecks()).toEqual([
      ['/api/usage/org_123/quota/API_CALL', 'Bearer tk_admin'],
      ['/api/usage/org_123/quota/CUSTOM_REPORT', 'Bearer tk_admin'],
    ]);
  });

  it('refuses with 403 Forbidden when the quota is used up: the handler never runs and nothing is billed', async () => {
    app = await startNestApp(appModule({ baseUrl: tally.baseUrl }));
    tally.script(quotaAnswer('API_CALL', false));
    const response = await app.request('GET', '/reports/api', { organizationId: 'org_123' });
    expect([response.status, await response.json()]).toEqual([403, { statusCode: 403, error: 'Forbidden', message: 'API_CALL quota exceeded' }]);
    expect(handled).toBe(0);
    await app.app.get(UsageTracker).flush();
    expect(bulksReceived(tally.requests)).toEqual([]);
  });

  it("applies the controller's requirement to each handler, together with a handler's own, each checked once", async () => {
    app = await startNestApp(appModule({ baseUrl: tally.baseUrl }));
    tally.script(quotaAnswer('CUSTOM_REPORT', false));
    expect((await app.request('GET', '/reports', { organizationId: 'org_123' })).status).toBe(403);
    tally.script(quotaAnswer('API_CALL', true), quotaAnswer('CUSTOM_REPORT', false));
    const refused = await app.request('GET', '/reports/api', { organizationId: 'org_123' });
    expect([refused.status, await refused.json()]).toMatchObject([403, { message: 'CUSTOM_REPORT quota exceeded' }]);
    expect(quotaChecks().map(([url]) => url)).toEqual([
      '/api/usage/org_123/quota/CUSTOM_REPORT',
      '/api/usage/org_123/quota/API_CALL',
      '/api/usage/org_123/quota/CUSTOM_REPORT',
    ]);
    expect(handled).toBe(0);
  });

  it('lets an anonymous request through without asking Tally: authentication decides who may call', async () => {
    app = await startNestApp(appModule({ baseUrl: tally.baseUrl }));
    expect((await app.request('GET', '/reports/api')).status).toBe(200);
    expect(quotaChecks()).toEqual([]);
  });

  it('lets the request through with a warning when Tally cannot answer, by default', async () => {
    const dropped: Error[] = [];
    // The handler's usage cannot reach Tally either; the short deadline lets shutdown give up on it quickly.
    app = await startNestApp(
      appModule({ baseUrl: `http://127.0.0.1:${await closedPort()}`, shutdownDeadlineMs: 100, onError: (error) => dropped.push(error) }),
    );
    expect((await app.request('GET', '/reports/api', { organizationId: 'org_123' })).status).toBe(200);
    expect(app.logger.warnings()).toEqual([
      expect.stringContaining('the API_CALL quota of org_123 could not be checked'),
      expect.stringContaining('the CUSTOM_REPORT quota of org_123 could not be checked'),
    ]);
    await app.app.close();
    app = undefined;
    expect(dropped.map((error) => error.name)).toEqual(['TrackerShutDownError']);
  });

  it("answers 503 when Tally cannot answer and the module says 'deny'", async () => {
    app = await startNestApp(appModule({ baseUrl: tally.baseUrl, whenQuotaUnknown: 'deny' }));
    tally.script({ status: 503, body: { type: 'about:blank', title: 'Service Unavailable', status: 503 } });
    const response = await app.request('GET', '/reports/api', { organizationId: 'org_123' });
    expect([response.status, await response.json()]).toEqual([
      503,
      { statusCode: 503, error: 'Service Unavailable', message: 'The API_CALL quota could not be checked' },
    ]);
    expect(handled).toBe(0);
  });
});
