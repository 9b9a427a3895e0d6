// @TrackUsage in a running NestJS application: on a provider method called
// while a request is handled (the Quick Start's OcrService.scanReceipt) and on
// controller handlers, it records after success only, with the request's
// ExecutionContext and the method's result, and never delays or changes the
// response, even when Tally does not answer.
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  Post,
  UnprocessableEntityException,
  UseInterceptors,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TallyModule, TrackUsage, UsageExtractionError, UsageFeature, UsageTracker, UsageTrackingInterceptor, type TallyModuleOptions } from '@tally/nestjs';
import { of, type Observable } from 'rxjs';
import { startFakeTallyServer, type FakeTallyServer } from '../sdk/support/fake-tally-server';
import { bulksReceived, HeaderAuthGuard, startNestApp, type RunningNestApp } from './support/nest-harness';

interface ScanReceiptDto {
  readonly file: string;
}

/** The Quick Start's service, as written there. */
@Injectable()
class OcrService {
  @TrackUsage(UsageFeature.OCR_SCAN, {
    extractOrgId: (ctx) => ctx.switchToHttp().getRequest().user.orgId,
    extractMetadata: (ctx, result) => ({
      fileSize: result.fileSize,
      documentType: result.documentType,
    }),
  })
  async scanReceipt(dto: ScanReceiptDto) {
    return await this.performOcr(dto);
  }

  private async performOcr(dto: ScanReceiptDto): Promise<{ fileSize: number; documentType: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    if (dto.file === 'corrupt.pdf') throw new UnprocessableEntityException('unreadable file');
    return { fileSize: dto.file.length * 100, documentType: 'receipt' };
  }
}

@Controller('receipts')
class ReceiptsController {
  constructor(private readonly ocr: OcrService) {}

  @Post('scan')
  scan(@Body() dto: ScanReceiptDto) {
    return this.ocr.scanReceipt(dto);
  }
}

@Controller('api')
class ApiController {
  // Above @Get on purpose: the route metadata is already on the method when @TrackUsage replaces it.
  @TrackUsage(UsageFeature.API_CALL)
  @Get('invoices')
  invoices() {
    return { invoices: ['inv_1'] };
  }

  @Get('export')
  @TrackUsage(UsageFeature.PDF_EXPORT, { quantity: (ctx, result) => result.pages })
  export(): Observable<{ pages: number }> {
    return of({ pages: 1 }, { pages: 3 });
  }

  @Get('refused')
  @TrackUsage(UsageFeature.API_CALL)
  refused() {
    throw new BadRequestException('not today');
  }

  @Get('bad-extractor')
  @TrackUsage(UsageFeature.API_CALL, {
    extractMetadata: () => {
      throw new Error('no metadata here');
    },
  })
  badExtractor() {
    return 'fine';
  }
}

/** Without the global interceptor, only controllers that ask for it get a usage scope. */
@Controller('scoped')
@UseInterceptors(UsageTrackingInterceptor)
class ScopedController {
  @Get()
  @TrackUsage(UsageFeature.WEBHOOK)
  handle() {
    return 'scoped';
  }
}

@Controller('unscoped')
class UnscopedController {
  @Get()
  @TrackUsage(UsageFeature.WEBHOOK)
  handle() {
    return 'unscoped';
  }
}

function appModule(options: TallyModuleOptions & { globalInterceptor?: boolean }) {
  @Module({
    imports: [TallyModule.forRoot(options)],
    controllers: [ReceiptsController, ApiController, ScopedController, UnscopedController],
    providers: [OcrService, { provide: APP_GUARD, useClass: HeaderAuthGuard }],
  })
  class AppModule {}
  return AppModule;
}

let tally: FakeTallyServer;
let running: RunningNestApp | undefined;
const dropped: { error: Error; count: number }[] = [];

beforeEach(async () => {
  tally = await startFakeTallyServer();
  dropped.length = 0;
});

afterEach(async () => {
  await running?.app.close();
  running = undefined;
  await tally.close();
});

async function start(overrides: Partial<TallyModuleOptions> & { globalInterceptor?: boolean } = {}): Promise<RunningNestApp> {
  running = await startNestApp(
    appModule({
      baseUrl: tally.baseUrl,
      apiKey: 'tk_admin',
      tracking: { flushIntervalMs: 60_000 },
      onError: (error, events) => dropped.push({ error, count: events.length }),
      ...overrides,
    }),
  );
  return running;
}

/** Sends what the application's tracker holds and returns the bulks Tally received. */
async function delivered(app: RunningNestApp) {
  await app.app.get(UsageTracker).flush();
  return bulksReceived(tally.requests);
}

describe('@TrackUsage on a provider method called while a request is handled', () => {
  it("records the Quick Start's scan for the request's organization, with the result's metadata", async () => {
    const app = await start();
    const response = await app.request('POST', '/receipts/scan', { organizationId: 'org_123', body: { file: 'receipt.pdf' } });
    expect([response.status, await response.json()]).toEqual([201, { fileSize: 1100, documentType: 'receipt' }]);

    const bulks = await delivered(app);
    expect(bulks).toHaveLength(1);
    expect(bulks[0].organizationId).toBe('org_123');
    expect(bulks[0].items).toEqual([
      expect.objectContaining({ feature: 'OCR_SCAN', metadata: { fileSize: 1100, documentType: 'receipt' }, idempotencyKey: expect.any(String) }),
    ]);
  });

  it('records nothing when the method throws, and the client gets the error the service threw', async () => {
    const app = await start();
    const response = await app.request('POST', '/receipts/scan', { organizationId: 'org_123', body: { file: 'corrupt.pdf' } });
    expect([response.status, await response.json()]).toEqual([422, { statusCode: 422, error: 'Unprocessable Entity', message: 'unreadable file' }]);
    expect(await delivered(app)).toEqual([]);
    expect(app.app.get(UsageTracker).stats.tracked).toBe(0);
  });

  it('outside any request, returns the result, records nothing and warns once', async () => {
    const app = await start();
    const ocr = app.app.get(OcrService);
    await expect(ocr.scanReceipt({ file: 'a.pdf' })).resolves.toEqual({ fileSize: 500, documentType: 'receipt' });
    await expect(ocr.scanReceipt({ file: 'b.pdf' })).resolves.toEqual({ fileSize: 500, documentType: 'receipt' });
    expect(app.app.get(UsageTracker).stats.tracked).toBe(0);
    expect(app.logger.warnings().filter((warning) => warning.includes('OcrService.scanReceipt'))).toHaveLength(1);
  });
});

describe('@TrackUsage on controller handlers', () => {
  it('records a handler with the default organization (request.user.orgId), wherever the decorator sits among the route decorators', async () => {
    const app = await start();
    const response = await app.request('GET', '/api/invoices', { organizationId: 'org_456' });
    expect([response.status, await response.json()]).toEqual([200, { invoices: ['inv_1'] }]);
    const bulks = await delivered(app);
    expect(bulks.map((bulk) => [bulk.organizationId, bulk.items.map((item) => item.feature)])).toEqual([['org_456', ['API_CALL']]]);
  });

  it('records an Observable once it completes, with a quantity taken from its last value', async () => {
    const app = await start();
    const response = await app.request('GET', '/api/export', { organizationId: 'org_123' });
    expect([response.status, await response.json()]).toEqual([200, { pages: 3 }]);
    const [bulk] = await delivered(app);
    expect(bulk.items).toEqual([expect.objectContaining({ feature: 'PDF_EXPORT', quantity: 3 })]);
  });

  it('records nothing for a handler that throws, nor for an anonymous request', async () => {
    const app = await start();
    expect((await app.request('GET', '/api/refused', { organizationId: 'org_123' })).status).toBe(400);
    expect((await app.request('GET', '/api/invoices')).status).toBe(200);
    expect(await delivered(app)).toEqual([]);
  });

  it('reports an extractor that throws to onError and answers as if nothing happened', async () => {
    const app = await start();
    const response = await app.request('GET', '/api/bad-extractor', { organizationId: 'org_123' });
    expect([response.status, await response.text()]).toEqual([200, 'fine']);
    expect(dropped).toHaveLength(1);
    expect(dropped[0].error).toBeInstanceOf(UsageExtractionError);
    expect(dropped[0].error.message).toBe('ApiController.badExtractor: extractMetadata failed for API_CALL: no metadata here');
  });

  it('answers every request while Tally takes the usage and never answers; shutdown reports what it cut off', async () => {
    const app = await start({ tracking: { maxBatchSize: 1 }, shutdownDeadlineMs: 200 });
    tally.script(...Array.from({ length: 3 }, () => ({ status: 200, delayMs: 60_000 })));
    for (let call = 0; call < 3; call++) {
      const response = await app.request('GET', '/api/invoices', { organizationId: 'org_123' });
      expect(response.status).toBe(200);
    }
    const tracker = app.app.get(UsageTracker);
    expect(tracker.stats.tracked).toBe(3);
    expect(tracker.stats.sent).toBe(0);

    await app.app.close();
    running = undefined;
    expect(dropped.reduce((sum, entry) => sum + entry.count, 0)).toBe(3);
    expect(dropped.map((entry) => entry.error.name)).toEqual(expect.arrayContaining(['TrackerShutDownError']));
  });
});

describe('delivery on shutdown', () => {
  it('sends usage still buffered when the application closes', async () => {
    const app = await start();
    expect((await app.request('POST', '/receipts/scan', { organizationId: 'org_123', body: { file: 'late.pdf' } })).status).toBe(201);
    expect(bulksReceived(tally.requests)).toEqual([]);

    await app.app.close();
    running = undefined;
    expect(bulksReceived(tally.requests).map((bulk) => bulk.items.map((item) => item.feature))).toEqual([['OCR_SCAN']]);
  });
});

describe('UsageTrackingInterceptor without the global registration', () => {
  it('records on controllers that use it, and warns about handlers that run without it', async () => {
    const app = await start({ globalInterceptor: false });
    expect(await (await app.request('GET', '/scoped', { organizationId: 'org_123' })).text()).toBe('scoped');
    expect(await (await app.request('GET', '/unscoped', { organizationId: 'org_123' })).text()).toBe('unscoped');
    const bulks = await delivered(app);
    expect(bulks.flatMap((bulk) => bulk.items.map((item) => item.feature))).toEqual(['WEBHOOK']);
    expect(app.logger.warnings().filter((warning) => warning.includes('UnscopedController.handle'))).toHaveLength(1);
  });
});
