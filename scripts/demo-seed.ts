// Demo data for `make demo`: an organization in Berlin with three quotas and a
// week of usage, through the public API and SDK. Safe to run again: the usage
// carries fixed idempotency keys, so a second run is answered as duplicates.
// With TALLY_DEMO_WEBHOOK_URL (the demo's receiver), the organization also gets
// a webhook endpoint there and an alert at 80% of its included OCR scans.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { UsageMeteringClient } from '@tally/sdk';

const url = process.env.TALLY_URL ?? 'http://127.0.0.1:3000';
const directory = process.env.TALLY_DEMO_DIR ?? '.data/demo';
const adminKey = readFileSync(join(directory, 'admin.key'), 'utf8').trim();
// Tests seed their own copy under another id, so they never share a period workflow with a running demo.
const ORG = process.env.TALLY_DEMO_ORG ?? 'org_demo';
const TIME_ZONE = 'Europe/Berlin';
const WEBHOOK_URL = process.env.TALLY_DEMO_WEBHOOK_URL || null;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/**
 * The demo organization's webhook endpoint at the receiver (registered once;
 * its secret kept where the receiver reads it, its URL kept current), and on
 * the first run an alert rule at 80% of the included OCR scans. A ping shows
 * at the receiver at once. Returns what to print.
 */
async function configureWebhook(url: string): Promise<string> {
  const file = join(directory, 'webhook.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { endpointId: string }) : null;
  let endpointId = saved?.endpointId ?? null;
  const notes: string[] = [];
  if (endpointId !== null) {
    const found = await admin('GET', `/api/organizations/${ORG}/webhooks/${endpointId}`);
    if (found.status === 404) endpointId = null;
    // The receiver takes a free port each time it starts.
    else if (found.json.url !== url) {
      const moved = await admin('PATCH', `/api/organizations/${ORG}/webhooks/${endpointId}`, { url });
      if (moved.status !== 200) throw new Error(`moving the webhook endpoint to ${url} failed: ${JSON.stringify(moved.json)}`);
    }
  }
  if (endpointId === null) {
    const created = await admin('POST', `/api/organizations/${ORG}/webhooks`, { url, description: 'make demo: the local receiver' });
    if (created.status !== 201) throw new Error(`registering the webhook endpoint failed: ${JSON.stringify(created.json)}`);
    endpointId = String(created.json.endpointId);
    writeFileSync(file, JSON.stringify({ endpointId, secret: created.json.secret }), { mode: 0o600 });
    const alert = await admin('POST', `/api/organizations/${ORG}/alerts`, { feature: 'OCR_SCAN', percentOfIncluded: 80 });
    if (alert.status >= 300) throw new Error(`setting the 80% alert failed: ${JSON.stringify(alert.json)}`);
    else notes.push('alert: 80% of the included OCR scans');
  }
  const ping = await admin('POST', `/api/organizations/${ORG}/webhooks/${endpointId}/ping`);
  notes.push(ping.status === 202 ? 'a ping is on its way' : `the ping was not sent (${String(ping.json.detail)})`);
  return `${url} (endpoint ${endpointId}; ${notes.join('; ')})`;
}

async function main(): Promise<void> {
  const created = await admin('POST', '/api/organizations', { organizationId: ORG, name: 'Demo Org', currency: 'EUR', timeZone: TIME_ZONE });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating ${ORG} failed: ${JSON.stringify(created.json)}`);
  const keyFile = join(directory, 'org.key');
  if (!existsSync(keyFile)) {
    const issued = await admin('POST', `/api/organizations/${ORG}/api-keys`, { label: 'demo' });
    if (issued.status !== 201) throw new Error(`issuing a key failed: ${JSON.stringify(issued.json)}`);
    writeFileSync(keyFile, String(issued.json.apiKey), { mode: 0o600 });
  }
  const orgKey = readFileSync(keyFile, 'utf8').trim();
  const client = new UsageMeteringClient({ baseUrl: url, apiKey: orgKey });
  await client.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' });
  await client.configureQuota({ organizationId: ORG, feature: 'API_CALL', includedQuantity: 10_000, pricePerUnit: '0.1' });
  await client.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' });
  // Before the usage, so the week's scans cross the alert's threshold and the receiver hears of it.
  const webhook = WEBHOOK_URL === null ? null : await configureWebhook(WEBHOOK_URL);

  // A week of usage with keys and timestamps fixed per day, so running the demo again the
  // same day adds nothing: the repeats are answered as duplicates.
  const today = Date.now();
  const items = [];
  for (let daysAgo = 6; daysAgo >= 0; daysAgo--) {
    const day = new Date(today - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const at = `${day}T${daysAgo === 0 ? '00:00:00' : '09:00:00'}Z`;
    items.push({ feature: 'OCR_SCAN', quantity: 18, timestamp: at, idempotencyKey: `demo-ocr-${day}` });
    items.push({ feature: 'API_CALL', quantity: 2_100, timestamp: at, idempotencyKey: `demo-api-${day}` });
    items.push({ feature: 'SMS_SENT', quantity: 80 + daysAgo * 10, timestamp: at, idempotencyKey: `demo-sms-${day}` });
    items.push({ feature: 'STORAGE_GB', quantity: 3 + daysAgo, timestamp: at, idempotencyKey: `demo-gb-${day}` });
  }
  const tracked = await client.trackBulkUsage(ORG, items);
  const usage = await client.getCurrentUsage({ organizationId: ORG, waitForPosition: tracked.position ?? undefined });

  const curl = (args: string) => `curl -s ${args} -H 'Authorization: Bearer ${orgKey}'`;
  // The period of today's usage, named by its month in the organization's calendar (anchor day 1).
  const period = DateTime.fromISO(items[items.length - 1].timestamp, { zone: TIME_ZONE }).toFormat('yyyy-MM');
  console.log(`
Tally is running.

  API            ${url}   (OpenAPI: ${url}/openapi.json, metrics: ${url}/metrics)
  Console        ${url}/   paste the demo org key with organization ${ORG}, or the admin key (all organizations)
  Temporal UI    http://127.0.0.1:${process.env.TALLY_TEMPORAL_UI_PORT ?? '8233'}
  admin key      ${adminKey}
  demo org       ${ORG}
  demo org key   ${orgKey}

Demo data: ${tracked.accepted} usage events accepted, ${tracked.duplicates} duplicates ignored; overage so far ${usage.totalOverageAmount ?? '(several currencies)'} ${usage.currency ?? ''}.

Try:
  ${curl(`-X POST ${url}/api/usage/track -H 'Content-Type: application/json' -d '{"organizationId":"${ORG}","feature":"OCR_SCAN","quantity":1}'`)}
  ${curl(`"${url}/api/usage/${ORG}?features=OCR_SCAN,SMS_SENT"`)}
  ${curl(`${url}/api/usage/${ORG}/quota/OCR_SCAN`)}

${
    webhook === null
      ? ''
      : `Webhooks: the demo organization's deliveries go to ${webhook}.
The receiver prints each one it gets, signature checked: tail -f ${join(directory, 'receiver.log')}

`
  }Prove this month's bill from the event log (tally reads the demo's settings from .data/tally.env):
  npx tally audit --org ${ORG} --period ${period}

Stop with: make demo-down
`);
}

main().catch((error) => {
  console.error(`demo seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
