// The Express middleware: usage is recorded for requests that succeeded, and
// never for failures, unknown organizations, or at the cost of the response.
import express, { type Request } from 'express';
import request from 'supertest';
import { UsageExtractionError, UsageFeature } from '@tally/sdk';
import { trackUsage, type TrackUsageMiddlewareOptions } from '@tally/sdk/express';
import { eventually, quietPeriod, RecordingRecorder } from './support/recording-recorder';

let recorder: RecordingRecorder;

beforeEach(() => {
  recorder = new RecordingRecorder();
});

const orgHeader = (req: Request) => req.header('x-org-id');

function appWith(options: Partial<TrackUsageMiddlewareOptions> = {}) {
  const app = express();
  app.use(express.json());
  app.use('/api', trackUsage(UsageFeature.API_CALL, { tracker: recorder, extractOrgId: orgHeader, ...options }));
  app.post('/api/invoices', (req, res) => {
    res.status(201).json({ id: 'inv_1' });
  });
  app.get('/api/ok', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/redirect', (_req, res) => {
    res.redirect(302, '/api/ok');
  });
  app.get('/api/broken', () => {
    throw new Error('handler failed');
  });
  app.get('/api/refused', (_req, res) => {
    res.status(403).json({ title: 'Forbidden' });
  });
  return app;
}

describe('trackUsage middleware', () => {
  it('records the feature for the extracted organization after a successful response, with metadata and quantity', async () => {
    const app = appWith({
      extractMetadata: (req, res) => ({ endpoint: req.originalUrl, method: req.method, status: res.statusCode }),
      quantity: (req) => (Array.isArray(req.body.lines) ? req.body.lines.length : 1),
      extractUserId: (req) => req.header('x-user-id'),
    });
    await request(app).post('/api/invoices').set('x-org-id', 'org_123').set('x-user-id', 'user_456').send({ lines: [1, 2, 3] }).expect(201, { id: 'inv_1' });
    await eventually(() => recorder.events.length === 1);
    expect(recorder.events[0]).toEqual({
      organizationId: 'org_123',
      feature: 'API_CALL',
      quantity: 3,
      metadata: { endpoint: '/api/invoices', method: 'POST', status: 201 },
      userId: 'user_456',
    });
  });

  it('records with a fixed quantity, or none (the server counts 1)', async () => {
    await request(appWith({ quantity: 5 })).get('/api/ok').set('x-org-id', 'org_1').expect(200);
    await request(appWith()).get('/api/ok').set('x-org-id', 'org_2').expect(200);
    await eventually(() => recorder.events.length === 2);
    expect(recorder.events).toEqual([
      { organizationId: 'org_1', feature: 'API_CALL', quantity: 5 },
      { organizationId: 'org_2', feature: 'API_CALL' },
    ]);
  });

  it('records a redirect (status below 400) as a success', async () => {
    await request(appWith()).get('/api/redirect').set('x-org-id', 'org_1').expect(302);
    await eventually(() => recorder.events.length === 1);
  });

  it.each([
    ['a handler that throws (500)', '/api/broken', 500],
    ['a refusal (403)', '/api/refused', 403],
    ['an unknown route (404)', '/api/missing', 404],
  ])('does not record %s', async (_name, path, status) => {
    await request(appWith()).get(path).set('x-org-id', 'org_1').expect(status);
    await quietPeriod();
    expect(recorder.events).toEqual([]);
    expect(recorder.errors).toEqual([]);
  });

  it('does not record when the organization cannot be told', async () => {
    await request(appWith()).get('/api/ok').expect(200);
    await quietPeriod();
    expect(recorder.events).toEqual([]);
  });

  it('sees what later middleware set on the request, because it extracts after the response', async () => {
    const app = express();
    app.use(trackUsage(UsageFeature.PDF_EXPORT, { tracker: recorder, extractOrgId: (req) => (req as Request & { orgId?: string }).orgId }));
    app.use((req, _res, next) => {
      (req as Request & { orgId?: string }).orgId = 'org_from_auth';
      next();
    });
    app.get('/export', (_req, res) => {
      res.send('pdf');
    });
    await request(app).get('/export').expect(200);
    await eventually(() => recorder.events.length === 1);
    expect(recorder.events[0]).toMatchObject({ organizationId: 'org_from_auth', feature: 'PDF_EXPORT' });
  });

  it.each([
    ['extractOrgId', { extractOrgId: () => { throw new Error('no user on request'); } }],
    ['extractMetadata', { extractMetadata: () => { throw new Error('metadata failed'); } }],
    ['quantity', { quantity: () => { throw new Error('quantity failed'); } }],
  ] as const)('keeps the response intact when %s throws, and reports the error to the tracker', async (step, options) => {
    await request(appWith(options)).get('/api/ok').set('x-org-id', 'org_1').expect(200, { ok: true });
    await eventually(() => recorder.errors.length === 1);
    expect(recorder.events).toEqual([]);
    expect(recorder.errors[0]).toBeInstanceOf(UsageExtractionError);
    expect(recorder.errors[0]).toMatchObject({ feature: 'API_CALL', extractor: step });
  });

  it('keeps the server up even when the tracker itself throws', async () => {
    const explosive = {
      track: () => {
        throw new Error('tracker broken');
      },
      reportError: () => {
        throw new Error('reporting broken');
      },
    };
    const app = appWith({ tracker: explosive });
    await request(app).get('/api/ok').set('x-org-id', 'org_1').expect(200);
    await quietPeriod();
    await request(app).get('/api/ok').set('x-org-id', 'org_1').expect(200);
  });
});
