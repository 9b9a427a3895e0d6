// The packaging test of @tally/nestjs, for one NestJS major: the packed
// tarballs installed into a NestJS application outside the repository (with
// NestJS and everything else from the npm registry), compiled with the
// TypeScript that major's projects use, run against `tally serve`, and what
// Tally recorded read back from its event log. The application is written like
// the Quick Start and use cases Tally's NestJS API comes from.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packWorkspaces } from '../../../scripts/pack-packages';
import { ScratchProject, type RunningProgram } from './scratch-project';
import { startTally, type ExportedEvent, type RunningTally } from './tally-server';

export interface NestJsProduct {
  readonly major: 11 | 12;
  /** The folder in test/packages/nestjs-app with that major's package.json and tsconfig.json. */
  readonly fixture: 'nest11' | 'nest12';
  readonly moduleFormat: 'CommonJS' | 'ES modules';
}

const appFixture = join(__dirname, '..', 'nestjs-app');
const SETUP_MS = 15 * 60_000;

/** What the application's /billing/summary answers. */
interface BillingSummary {
  readonly currentPeriod: { readonly features: readonly { readonly feature: string; readonly used: number }[] };
  readonly projected: { readonly features: readonly unknown[] };
}

function counts(events: readonly ExportedEvent[]): Record<string, number> {
  const byFeature: Record<string, number> = {};
  for (const event of events) byFeature[event.feature as string] = (byFeature[event.feature as string] ?? 0) + (event.quantity ?? 0);
  return byFeature;
}

export function describeNestJsProduct({ major, fixture, moduleFormat }: NestJsProduct): void {
  // Each step talks to two processes and shutdown waits for a delivery; more than jest's 5 s default on a busy machine.
  jest.setTimeout(60_000);
  describe(`a NestJS ${major} application (${moduleFormat}) with @tally/nestjs installed from its tarball`, () => {
    let project: ScratchProject;
    let tally: RunningTally;
    let app: RunningProgram;

    const call = (method: string, path: string, organizationId: string, body?: unknown) =>
      fetch(`${app.url}${path}`, {
        method,
        headers: { 'x-org-id': organizationId, 'x-user-id': 'user_456', ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const answer = async (response: Response) => [response.status, await response.json()];

    beforeAll(async () => {
      const packed = await packWorkspaces();
      project = ScratchProject.create(`nestjs-${major}`, join(appFixture, fixture), (manifest) => ({
        ...manifest,
        dependencies: {
          ...(manifest.dependencies as Record<string, string>),
          '@tally/nestjs': `file:${packed.nestjs.tarball}`,
          '@tally/sdk': `file:${packed.sdk.tarball}`,
        },
      }));
      project.add(join(appFixture, 'src'), 'src');
      project.install();
      project.run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);

      tally = await startTally();
      await tally.createOrganization('org_123');
      await tally.createOrganization('org_456');
      // The product's backend acts for all its organizations, so it holds the admin key. Usage recorded by
      // @TrackUsage is buffered for ten minutes: only shutdown delivers it, which the last test checks.
      app = await project.start('dist/main.js', { PORT: '0', TALLY_URL: tally.url, TALLY_API_KEY: tally.adminKey, TALLY_FLUSH_INTERVAL_MS: '600000' });
    }, SETUP_MS);

    afterAll(async () => {
      await app?.stop('SIGKILL');
      await tally?.stop();
      project?.remove();
    }, 60_000);

    it(`installs NestJS ${major} from the registry and both Tally packages from their tarballs, and compiles to ${moduleFormat}`, () => {
      const installed = (name: string) => JSON.parse(readFileSync(join(project.directory, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(installed('@nestjs/core').version).toMatch(new RegExp(`^${major}\\.`));
      expect([installed('@tally/nestjs').version, installed('@tally/sdk').version]).toEqual(['0.1.0', '0.1.0']);
      const lock = JSON.parse(readFileSync(join(project.directory, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
      expect(lock.packages['node_modules/@tally/sdk'].resolved).toMatch(/^file:.*tally-sdk-0\.1\.0\.tgz$/);
      const compiled = readFileSync(join(project.directory, 'dist', 'ocr', 'ocr.service.js'), 'utf8');
      expect(compiled).toContain(moduleFormat === 'CommonJS' ? 'require("@tally/nestjs")' : "from '@tally/nestjs'");
      expect(existsSync(join(project.directory, 'node_modules', '@tally', 'nestjs', 'dist', moduleFormat === 'CommonJS' ? 'cjs' : 'esm', 'index.js'))).toBe(true);
    });

    it('1. configures a quota through the injected UsageMeteringService', async () => {
      expect(await answer(await call('POST', '/billing/quota', 'org_123'))).toEqual([201, { changed: true, position: expect.stringMatching(/^\d+$/) }]);
    });

    it("2. answers scans as the service returns them, and refuses a corrupt one as the service throws", async () => {
      for (const file of ['receipt-1.pdf', 'receipt-22.pdf', 'receipt-333.pdf']) {
        expect(await answer(await call('POST', '/receipts/scan', 'org_123', { file }))).toEqual([201, { fileSize: file.length * 1000, documentType: 'receipt' }]);
      }
      expect(await answer(await call('POST', '/receipts/scan', 'org_123', { file: 'corrupt.pdf' }))).toEqual([
        422,
        { statusCode: 422, error: 'Unprocessable Entity', message: 'unreadable file' },
      ]);
      expect(await answer(await call('POST', '/receipts/scan', 'org_456', { file: 'other.pdf' }))).toEqual([201, { fileSize: 9000, documentType: 'receipt' }]);
    });

    it('use cases 1 and 3: an uploaded receipt is scanned, and the storage it takes is tracked', async () => {
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(2048, 1)], { type: 'application/pdf' }), 'upload.pdf');
      const response = await fetch(`${app.url}/receipts/upload`, { method: 'POST', headers: { 'x-org-id': 'org_123' }, body: form });
      expect(await answer(response)).toEqual([201, { fileSize: 2048, documentType: 'receipt' }]);
    });

    let digestPosition: string;

    it('3. tracks by hand: one event and a bulk', async () => {
      const [status, bulk] = (await answer(await call('POST', '/billing/digest', 'org_123'))) as [number, { accepted: number; duplicates: number; position: string }];
      expect([status, bulk.accepted, bulk.duplicates]).toEqual([201, 2, 0]);
      digestPosition = bulk.position;
    });

    it("use case 2: the API routes answer within the quota, and refuse an organization whose hard quota is used up", async () => {
      expect(await answer(await call('GET', '/api/invoices', 'org_123'))).toEqual([200, { organizationId: 'org_123', invoices: [] }]);
      expect(await answer(await call('GET', '/api/reports', 'org_123'))).toEqual([200, { organizationId: 'org_123', reports: [] }]);

      await tally.admin.configureQuota({ organizationId: 'org_456', feature: 'API_CALL', includedQuantity: 1, pricePerUnit: '0.1', enforcement: 'hard' });
      const used = await tally.admin.trackUsage({ organizationId: 'org_456', feature: 'API_CALL' });
      expect(await tally.admin.checkQuota('org_456', 'API_CALL', { waitForPosition: used.position as string })).toMatchObject({ hasQuota: false, used: 1 });

      expect(await answer(await call('GET', '/api/invoices', 'org_456'))).toEqual([403, { statusCode: 403, error: 'Forbidden', message: 'API quota exceeded' }]);
      expect(await answer(await call('GET', '/api/reports', 'org_456'))).toEqual([403, { statusCode: 403, error: 'Forbidden', message: 'API_CALL quota exceeded' }]);
    });

    it('4 and 5: reads usage, a quota check, the history and the estimate; what @TrackUsage recorded is still in the batch', async () => {
      const [status, summary] = (await answer(await call('GET', `/billing/summary?waitForPosition=${digestPosition}`, 'org_123'))) as [number, BillingSummary];
      expect(status).toBe(200);
      const used = Object.fromEntries(summary.currentPeriod.features.map((f) => [f.feature, f.used]));
      expect(used).toMatchObject({ 'API Calls': 1, Emails: 5, 'PDF Exports': 2, Storage: 1 });
      expect(used['OCR Scans'] ?? 0).toBe(0);
      expect(summary).toMatchObject({ quota: { hasQuota: true, remaining: 100 }, closedPeriods: 0, projected: { current: 0 } });
      expect(summary.projected.features.length).toBeGreaterThan(0);
    });

    it('delivers the buffered usage when SIGTERM stops the application, and Tally recorded exactly what succeeded', async () => {
      const ended = await app.stop('SIGTERM');
      // Nest re-raises the signal once its shutdown hooks (ours: the flush) are done; a failing hook exits with 1.
      expect(ended).toEqual({ code: null, signal: 'SIGTERM' });

      const org123 = tally.recordedUsage('org_123');
      expect(counts(org123)).toEqual({ OCR_SCAN: 4, STORAGE_GB: 1, API_CALL: 3, EMAIL_SENT: 5, PDF_EXPORT: 2 });
      const scans = org123.filter((event) => event.feature === 'OCR_SCAN').map((event) => event.data.metadata ?? null);
      expect(scans).toEqual(
        expect.arrayContaining([
          { fileSize: 13_000, documentType: 'receipt' },
          { fileSize: 14_000, documentType: 'receipt' },
          { fileSize: 15_000, documentType: 'receipt' },
          null,
        ]),
      );
      expect(org123.find((event) => event.data.userId !== undefined)?.data).toMatchObject({ userId: 'user_456', metadata: { endpoint: '/api/invoices', method: 'POST' } });
      // org_456: its own scan, and only the API call the test made; the refused requests billed nothing.
      expect(counts(tally.recordedUsage('org_456'))).toEqual({ OCR_SCAN: 1, API_CALL: 1 });

      const probe = await tally.admin.trackUsage({ organizationId: 'org_123', feature: 'WEBHOOK' });
      const quota = await tally.admin.checkQuota('org_123', 'OCR_SCAN', { waitForPosition: probe.position as string });
      expect(quota).toMatchObject({ used: 4, included: 100, remaining: 96 });
    });
  });
}
