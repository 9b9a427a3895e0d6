// TallyModule as an application wires it: forRoot with literal options or
// forRootAsync with ConfigService, global by default, exporting
// UsageMeteringService with the usage-metering methods (each reaching its
// route with the configured key) and the UsageTracker that batches @TrackUsage.
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { TALLY_MODULE_OPTIONS, TallyModule, UsageFeature, UsageMeteringService, UsageTracker, UsageTrackingInterceptor } from '@tally/nestjs';
import { startFakeTallyServer, type FakeTallyServer } from '../sdk/support/fake-tally-server';
import { bulksReceived, RecordingLogger } from './support/nest-harness';

let tally: FakeTallyServer;
beforeEach(async () => {
  tally = await startFakeTallyServer();
});
afterEach(() => tally.close());

/** A feature module that does not import TallyModule: the global module still reaches it. */
@Injectable()
class InvoiceService {
  constructor(
    readonly usageMeteringService: UsageMeteringService,
    readonly usageTracker: UsageTracker,
  ) {}
}

@Module({ providers: [InvoiceService], exports: [InvoiceService] })
class InvoicesModule {}

function asyncAppModule(env: Record<string, string>) {
  @Module({
    imports: [
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] }),
      TallyModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          baseUrl: config.getOrThrow<string>('TALLY_URL'),
          apiKey: config.getOrThrow<string>('TALLY_API_KEY'),
          tracking: { flushIntervalMs: 60_000 },
        }),
      }),
      InvoicesModule,
    ],
  })
  class AppModule {}
  return AppModule;
}

describe('TallyModule.forRootAsync with ConfigService', () => {
  it('gives every module a UsageMeteringService whose methods reach their routes with the configured key', async () => {
    const app = await NestFactory.createApplicationContext(asyncAppModule({ TALLY_URL: tally.baseUrl, TALLY_API_KEY: 'tk_from_config' }), {
      logger: new RecordingLogger(),
      abortOnError: false,
    });
    try {
      const service = app.get(InvoiceService).usageMeteringService;
      await service.configureQuota({ organizationId: 'org_123', feature: UsageFeature.OCR_SCAN, includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' });
      await service.trackUsage({ organizationId: 'org_123', feature: UsageFeature.API_CALL, quantity: 1, metadata: { endpoint: '/api/invoices', method: 'POST' }, userId: 'user_456' });
      await service.trackBulkUsage('org_123', [
        { feature: UsageFeature.EMAIL_SENT, quantity: 5 },
        { feature: UsageFeature.PDF_EXPORT, quantity: 2 },
      ]);
      const usage = await service.getCurrentUsage({ organizationId: 'org_123' });
      const quota = await service.checkQuota('org_123', UsageFeature.OCR_SCAN);
      await service.getUsageHistory({ organizationId: 'org_123', limit: 12 });
      const estimate = await service.estimateUsageCosts('org_123');

      expect(tally.requests.map((request) => `${request.method} ${request.url} ${String(request.headers.authorization)}`)).toEqual([
        'POST /api/usage/org_123/quota Bearer tk_from_config',
        'POST /api/usage/track Bearer tk_from_config',
        'POST /api/usage/track/bulk Bearer tk_from_config',
        'GET /api/usage/org_123 Bearer tk_from_config',
        'GET /api/usage/org_123/quota/OCR_SCAN Bearer tk_from_config',
        'GET /api/usage/org_123/history?limit=12 Bearer tk_from_config',
        'GET /api/usage/org_123/estimate Bearer tk_from_config',
      ]);
      expect(tally.requests[0].body).toEqual({ feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' });
      expect([usage.totalOverageAmount, quota.hasQuota, estimate.estimatedAmount]).toEqual([1.25, true, 2.5]);
    } finally {
      await app.close();
    }
  });

  it('injects the UsageTracker that sends in the background through the same client', async () => {
    const app = await NestFactory.createApplicationContext(asyncAppModule({ TALLY_URL: tally.baseUrl, TALLY_API_KEY: 'tk_from_config' }), {
      logger: new RecordingLogger(),
      abortOnError: false,
    });
    const { usageTracker } = app.get(InvoiceService);
    expect(usageTracker).toBe(app.get(UsageTracker));
    usageTracker.track({ organizationId: 'org_123', feature: UsageFeature.STORAGE_GB, quantity: 3 });
    expect(bulksReceived(tally.requests)).toEqual([]);
    await app.close();
    expect(bulksReceived(tally.requests)).toEqual([{ organizationId: 'org_123', items: [expect.objectContaining({ feature: 'STORAGE_GB', quantity: 3 })] }]);
    expect(tally.requests[0].headers.authorization).toBe('Bearer tk_from_config');
  });
});

describe('TallyModule.forRoot', () => {
  it('is global and registers the interceptor for every route unless told otherwise; the options carry no extras', () => {
    const byDefault = TallyModule.forRoot({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    expect(byDefault.global).toBe(true);
    expect(byDefault.providers).toContainEqual({ provide: APP_INTERCEPTOR, useClass: UsageTrackingInterceptor });
    expect(byDefault.providers).toContainEqual({ provide: TALLY_MODULE_OPTIONS, useValue: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' } });

    const local = TallyModule.forRoot({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', isGlobal: false, globalInterceptor: false });
    expect(local.global).toBe(false);
    expect(local.providers).not.toContainEqual(expect.objectContaining({ provide: APP_INTERCEPTOR }));
  });

  it('refuses a baseUrl that is not a URL when the application starts, not at the first request', async () => {
    @Module({ imports: [TallyModule.forRoot({ baseUrl: 'tally.example.com', apiKey: 'k' })] })
    class BrokenModule {}
    await expect(NestFactory.createApplicationContext(BrokenModule, { logger: false, abortOnError: false })).rejects.toThrow('Invalid URL');
  });
});
