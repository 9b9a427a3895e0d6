// A stand-in for Tally's HTTP API for the SDK's tests: a real express server on
// a free loopback port that answers the usage routes with canned JSON, records
// every request exactly as it arrived (raw URL, headers, parsed body), and can
// be told to answer the next requests differently (an error, a delay, a body
// that is not JSON).
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  /** As sent, still percent-encoded. */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly body?: unknown;
  /** Sent as is instead of JSON; e.g. an HTML page from a proxy. */
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering (to exercise client timeouts). */
  readonly delayMs?: number;
}

export const FRESHNESS = { position: '42', caughtUpAt: '2026-11-25T10:00:00.000Z', ageMs: 5, includesRequestedPosition: true };

/** What each route answers when nothing else was scripted. */
function cannedAnswer(method: string, path: string, body: unknown): unknown {
  if (method === 'POST' && path === '/api/usage/track') {
    const key = (body as { idempotencyKey?: string }).idempotencyKey ?? 'derived-key';
    return { idempotencyKey: key, duplicate: false, countedAs: 'usage', billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' }, position: '43' };
  }
  if (method === 'POST' && path === '/api/usage/track/bulk') {
    const items = (body as { items: { idempotencyKey?: string }[] }).items;
    return {
      accepted: items.length,
      duplicates: 0,
      items: items.map((item, index) => ({ idempotencyKey: item.idempotencyKey ?? `derived-${index}`, duplicate: false, countedAs: 'usage', billingPeriod: null })),
      position: '44',
    };
  }
  if (method === 'POST' && /^\/api\/usage\/[^/]+\/quota$/.test(path)) return { changed: true, position: '45' };
  if (method === 'GET' && /^\/api\/usage\/[^/]+\/quota\/[^/]+$/.test(path)) {
    return { organizationId: 'org_123', feature: 'OCR_SCAN', allowed: true, requested: 1, hasQuota: true, withinIncluded: true, used: 10, reserved: 0, included: 100, remaining: 90, enforcement: 'soft', resetPeriod: 'MONTHLY', windowStart: '2026-11-01T00:00:00.000Z', windowEnd: '2026-12-01T00:00:00.000Z', freshness: FRESHNESS };
  }
  if (method === 'POST' && /^\/api\/usage\/[^/]+\/reservations$/.test(path)) {
    const { feature, quantity } = body as { feature: string; quantity: number };
    return { reservationId: 'res_1', feature, quantity, expiresAt: '2026-11-25T10:05:00.000Z', windowStart: '2026-11-01T00:00:00.000Z', windowEnd: '2026-12-01T00:00:00.000Z', duplicate: false, position: '46' };
  }
  if (method === 'POST' && /^\/api\/usage\/[^/]+\/reservations\/[^/]+\/commit$/.test(path)) {
    const reservationId = decodeURIComponent(path.split('/')[5]);
    const committedQuantity = (body as { quantity: number }).quantity;
    return { reservationId, committedQuantity, duplicate: false, usageKey: `${reservationId}:commit`, billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' }, position: '47' };
  }
  if (method === 'DELETE' && /^\/api\/usage\/[^/]+\/reservations\/[^/]+$/.test(path)) {
    return { reservationId: decodeURIComponent(path.split('/')[5]), changed: true, position: '48' };
  }
  if (method === 'GET' && /^\/api\/usage\/[^/]+\/history$/.test(path)) return { organizationId: 'org_123', periods: [], freshness: FRESHNESS };
  if (method === 'GET' && /^\/api\/usage\/[^/]+\/estimate$/.test(path)) {
    return { organizationId: 'org_123', periodStart: '2026-11-01T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z', method: 'run-rate', estimatedAmount: 2.5, currentAmount: 1.25, currency: 'EUR', totals: [], features: [], freshness: FRESHNESS };
  }
  if (method === 'GET' && /^\/api\/usage\/[^/]+$/.test(path)) {
    return {
      organizationId: 'org_123',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      totalOverageAmount: 1.25,
      currency: 'EUR',
      totals: [{ currency: 'EUR', overageAmount: 1.25, overageAmountDecimal: '1.25' }],
      features: [{ feature: 'OCR_SCAN', displayName: 'OCR Scans', unit: 'scan', aggregation: 'sum', resetPeriod: 'MONTHLY', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: 1.25, overageAmountDecimal: '1.25', currency: 'EUR', periodStart: '2026-11-01T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z' }],
      freshness: FRESHNESS,
    };
  }
  return undefined;
}

export interface FakeTallyServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Answers the next requests, in order, with these instead of the canned ones. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeTallyServer(): Promise<FakeTallyServer> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const app = express();
  app.use(express.json({ limit: '20mb' }));
  app.use((req, res) => {
    requests.push({ method: req.method, url: req.originalUrl, headers: req.headers, body: req.body });
    const path = req.originalUrl.split('?')[0];
    const answer: ScriptedAnswer = scripted.shift() ?? answerFromRoutes(req.method, path, req.body);
    const send = () => {
      if (res.destroyed) return;
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      res.status(answer.status);
      if (answer.rawBody !== undefined) {
        res.type(answer.contentType ?? 'text/html').send(answer.rawBody);
      } else {
        res.type(answer.contentType ?? (answer.status >= 400 ? 'application/problem+json' : 'application/json')).send(JSON.stringify(answer.body));
      }
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
    else send();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => scripted.push(...answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerFromRoutes(method: string, path: string, body: unknown): ScriptedAnswer {
  const canned = cannedAnswer(method, path, body);
  if (canned !== undefined) return { status: 200, body: canned };
  return { status: 404, body: { type: 'https://tally.dev/problems/not-found', title: 'Not Found', status: 404, detail: `no route ${method} ${path}` } };
}
