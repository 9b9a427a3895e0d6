// The web console in a real browser (Debian's Chromium, headless) against
// `tally serve` and `tally worker` with the demo's data: signing in as the
// organization and as the admin, the overview showing exactly the API's
// numbers, a quota edited (and refused with the API's message next to the
// field), alert rules added, refused and removed beside the webhook endpoint's
// deliveries, each past day's usage, an organization found by its name, keys
// issued and revoked in the API's list, an audit that marks a tampered read model,
// the billing jobs as buttons, a closed period in the history, an organization
// key kept out of another organization, and every page usable at 390 px with
// the keyboard and without serious accessibility violations.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../workflows/support/billing-harness';
import { projectRoot } from '../support/stack-settings';
import { seriousAccessibilityViolations } from './support/accessibility';
import { browserStorage, focusedElement, layoutWidths, openConsole, openPage, PHONE, screenshot, signIn, textOf, type ConsoleTab } from './support/console-pages';
import { startDemoTally, type DemoTally } from './support/demo-tally';
import { launchChromium } from './support/headless-chromium';
import { tamperWithUsage } from '../support/read-model-snapshot';

jest.setTimeout(120_000);

// Per run: period workflows are named by organization, and other runs or a demo may share the Temporal server.
const RUN = Date.now().toString(36);
const otherOrganization = `org_other_${RUN}`;
const quantity = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 4 });
const amount = (decimal: string, currency: string) => `${decimal} ${currency}`;
const totals = (lines: { overageAmountDecimal: string; currency: string }[]) => lines.map((line) => amount(line.overageAmountDecimal, line.currency)).join(' + ');

let tally: DemoTally;
let demoOrganization: string;
/** Organizations whose period workflows this run started, ended after it. */
const organizations: string[] = [];
let browser: Browser;
const tabs: ConsoleTab[] = [];

async function json<T>(response: Promise<Response>): Promise<T> {
  const answer = await response;
  expect(answer.status).toBeLessThan(300);
  return (await answer.json()) as T;
}

async function tab(viewport?: { width: number; height: number }): Promise<ConsoleTab> {
  const opened = await openConsole(browser, tally.url, viewport);
  tabs.push(opened);
  return opened;
}

async function signedInAsOrganization(): Promise<Page> {
  const { page } = await tab();
  await signIn(page, tally.organizationKey, demoOrganization);
  await page.getByRole('heading', { level: 1, name: 'Demo Org' }).waitFor();
  return page;
}

async function signedInAsAdmin(): Promise<Page> {
  const { page } = await tab();
  await signIn(page, tally.adminKey);
  await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

beforeAll(async () => {
  const built = join(projectRoot, 'web', 'dist', 'index.html');
  if (!existsSync(built)) throw new Error('web/dist is not built: run `npm run build:web` (make test does)');
  [tally, browser] = await Promise.all([startDemoTally(), launchChromium()]);
  demoOrganization = tally.organizationId;
  organizations.push(demoOrganization, otherOrganization);
  const created = await tally.api('/api/organizations', { method: 'POST', body: { organizationId: otherOrganization, name: 'Other Org' } });
  expect(created.status).toBe(201);
}, 180_000);

afterAll(async () => {
  const errors = tabs.flatMap((opened) => opened.errors);
  await browser?.close();
  await tally?.terminateWorkflows(organizations);
  await tally?.stop();
  // A console that threw, was refused by its CSP or missed one of its files fails the run.
  expect(errors).toEqual([]);
}, 60_000);

describe('signed in with the organization key', () => {
  it('keeps the key in the tab and out of the URL, and shows the overview with exactly the API’s numbers', async () => {
    const { page } = await tab();
    await screenshot(page, 'sign-in');
    await expectAccessible(page);
    await signIn(page, tally.organizationKey, demoOrganization);
    await page.getByRole('heading', { level: 1, name: 'Demo Org' }).waitFor();
    await page.locator('article.feature').first().waitFor();

    expect(page.url()).not.toContain(tally.organizationKey);
    const storage = await browserStorage(page);
    expect(JSON.parse(storage.session['tally.console.session'])).toEqual({ apiKey: tally.organizationKey, role: 'organization', organizationId: demoOrganization });
    expect(storage.localEntries).toBe(0);

    const path = `/api/usage/${demoOrganization}`;
    const options = { apiKey: tally.organizationKey };
    type Usage = { totals: { overageAmountDecimal: string; currency: string }[]; features: { feature: string; totalQuantity: number; includedQuantity: number; overageQuantity: number; overageAmountDecimal: string; currency: string }[] };
    type Estimate = { totals: Usage['totals']; features: { feature: string; projectedQuantity: number; estimatedAmountDecimal: string; currency: string }[] };
    const usage = await json<Usage>(tally.api(path, options));
    const estimate = await json<Estimate>(tally.api(`${path}/estimate`, options));
    expect(usage.features.map((feature) => feature.feature).sort()).toEqual(['API_CALL', 'OCR_SCAN', 'SMS_SENT', 'STORAGE_GB']);

    expect(await textOf(page, '[data-figure=periodTotal]')).toBe(totals(usage.totals));
    expect(await textOf(page, '[data-figure=projectedTotal]')).toBe(totals(estimate.totals));
    expect(await page.locator('article.feature').count()).toBe(usage.features.length);
    for (const feature of usage.features) {
      const card = `article[data-feature="${feature.feature}"]`;
      const check = await json<{ used: number; included: number }>(tally.api(`${path}/quota/${feature.feature}`, options));
      const projected = estimate.features.find((line) => line.feature === feature.feature);
      expect({
        feature: feature.feature,
        used: await textOf(page, `${card} [data-figure=totalQuantity]`),
        included: await textOf(page, `${card} [data-figure=includedQuantity]`),
        overage: await textOf(page, `${card} [data-figure=overageQuantity]`),
        amount: await textOf(page, `${card} [data-figure=overageAmount]`),
        projected: await textOf(page, `${card} [data-figure=projected]`),
        window: await textOf(page, `${card} .usage__caption`),
      }).toEqual({
        feature: feature.feature,
        used: quantity(feature.totalQuantity),
        included: quantity(feature.includedQuantity),
        overage: quantity(feature.overageQuantity),
        amount: amount(feature.overageAmountDecimal, feature.currency),
        projected: `${quantity(projected?.projectedQuantity ?? NaN)} → ${amount(projected?.estimatedAmountDecimal ?? '', projected?.currency ?? '')}`,
        window: expect.stringContaining(`${quantity(check.used)} used of ${quantity(check.included)} included`),
      });
    }
    // SMS has 100 free per day, and the seed sent 80 today: within; the monthly quotas are past their soft limits.
    expect(await page.locator('article[data-feature="OCR_SCAN"] .usage').getAttribute('class')).toContain('usage--soft-over');
    await expect(page.locator('.freshness').first().getAttribute('data-position')).resolves.toMatch(/^\d+$/);
    await expectAccessible(page);
    await screenshot(page, 'overview');
  });

  it('refreshes the overview live when usage arrives', async () => {
    const page = await signedInAsOrganization();
    const before = await textOf(page, 'article[data-feature="OCR_SCAN"] [data-figure=totalQuantity]');
    const tracked = await tally.api('/api/usage/track', { apiKey: tally.organizationKey, method: 'POST', body: { organizationId: demoOrganization, feature: 'OCR_SCAN', quantity: 4, idempotencyKey: 'console-live-refresh' } });
    expect(tracked.status).toBe(200);
    const after = quantity(Number(before.replace(/,/g, '')) + 4);
    await page.locator('article[data-feature="OCR_SCAN"] [data-figure=totalQuantity]', { hasText: after }).waitFor({ timeout: 15_000 });
  });

  it('cannot see another organization, by link or at sign-in', async () => {
    const page = await signedInAsOrganization();
    await page.goto(`/#/organizations/${otherOrganization}`);
    await page.getByRole('heading', { level: 1, name: 'Organization not found' }).waitFor();
    expect(await page.locator('article.feature').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Organizations' }).count()).toBe(0);
    await page.goto(`/#/organizations/${otherOrganization}/audit`);
    await page.getByRole('heading', { level: 1, name: 'Organization not found' }).waitFor();

    const { page: signInPage } = await tab();
    await signIn(signInPage, tally.organizationKey, otherOrganization);
    const field = signInPage.getByLabel(/^Organization/);
    await expect(signInPage.locator('#error-organizationId').textContent()).resolves.toContain(`does not belong to an organization called "${otherOrganization}"`);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await browserStorage(signInPage)).session).toEqual({});
  });

  it('draws the current period over the organization’s local days, with the same numbers in a table', async () => {
    const page = await signedInAsOrganization();
    await openPage(page, 'Current period');
    await page.getByRole('heading', { level: 1, name: 'Current period of Demo Org' }).waitFor();
    await page.getByRole('img', { name: /used so far this period/ }).waitFor();
    await page.locator('canvas[data-drawn]').waitFor();
    await page.getByLabel('Feature', { exact: true }).selectOption('SMS_SENT');
    await page.getByRole('img', { name: /^SMS Messages: .* daily windows of 100 included/ }).waitFor();
    await page.locator('canvas[data-drawn]').waitFor();
    const usage = await json<{ features: { feature: string; totalQuantity: number }[] }>(tally.api(`/api/usage/${demoOrganization}`, { apiKey: tally.organizationKey }));
    for (const feature of usage.features) {
      expect(await textOf(page, `tr[data-feature="${feature.feature}"] td:nth-of-type(4)`)).toBe(quantity(feature.totalQuantity));
    }
    // Every local day from the period's first to today, as the API's /daily counts it, and 0 on days it does not list.
    type Daily = { days: { day: string; feature: string; quantity: number }[] };
    const daily = await json<Daily>(tally.api(`/api/usage/${demoOrganization}/daily`, { apiKey: tally.organizationKey }));
    const sms = new Map(daily.days.filter((line) => line.feature === 'SMS_SENT').map((line) => [line.day, line.quantity]));
    expect(sms.size).toBeGreaterThan(0);
    await page.locator('table.day-table[data-feature="SMS_SENT"] tbody tr').first().waitFor();
    const shown = await page.locator('table.day-table[data-feature="SMS_SENT"] tbody tr').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-day'), row.querySelector('[data-column=quantity]')?.textContent]));
    expect(shown.map(([day]) => day)).toEqual(expect.arrayContaining([...sms.keys()]));
    expect(shown).toEqual(shown.map(([day]) => [day, quantity(sms.get(day ?? '') ?? 0)]));
    await expectAccessible(page);
    await screenshot(page, 'current-period');
  });

  it('edits a quota, shows it at once, and puts the API’s validation message next to the field', async () => {
    const page = await signedInAsOrganization();
    await openPage(page, 'Quotas');
    await page.getByRole('heading', { level: 1, name: 'Quotas of Demo Org' }).waitFor();
    await page.getByRole('button', { name: 'Edit the OCR_SCAN quota' }).click();
    expect(await page.getByLabel('Feature', { exact: true }).inputValue()).toBe('OCR_SCAN');
    await page.getByLabel('Included per window').fill('150');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the OCR_SCAN quota.' }).waitFor();
    // The form says it saved once the table shows the change.
    expect(await textOf(page, 'tr[data-feature="OCR_SCAN"] [data-figure=includedQuantity]')).toBe('150');
    const organization = await json<{ quotas: { feature: string; includedQuantity: number }[] }>(tally.api(`/api/organizations/${demoOrganization}`, { apiKey: tally.organizationKey }));
    expect(organization.quotas.find((quota) => quota.feature === 'OCR_SCAN')?.includedQuantity).toBe(150);

    // Graduated pricing whose first tier ends at 0: the API refuses it and names the field.
    await page.getByLabel('Pricing model').selectOption('graduated');
    const firstUpTo = page.getByRole('group', { name: 'Tier 1' }).getByLabel('Up to');
    await firstUpTo.fill('0');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.locator('#error-pricing-tiers-0--upTo').waitFor();
    expect(await textOf(page, '#error-pricing-tiers-0--upTo')).toContain('must be a positive whole number');
    expect(await firstUpTo.getAttribute('aria-invalid')).toBe('true');
    expect(await firstUpTo.getAttribute('aria-describedby')).toBe('error-pricing-tiers-0--upTo');
    await expectAccessible(page);
    await screenshot(page, 'quotas-refused');

    await firstUpTo.fill('1000');
    await page.getByRole('group', { name: 'Tier 1' }).getByLabel('Unit price').fill('5');
    await page.getByRole('group', { name: 'Tier 2' }).getByLabel('Unit price').fill('2');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the OCR_SCAN quota.' }).waitFor();
    await page.locator('tr[data-feature="OCR_SCAN"]', { hasText: 'Graduated tiers: up to 1000 at 5; above at 2' }).waitFor();
    expect(await page.locator('#error-pricing-tiers-0--upTo').count()).toBe(0);
    await screenshot(page, 'quotas');

    // Package pricing: a price per started pack.
    await page.getByRole('button', { name: 'Edit the API_CALL quota' }).click();
    await page.getByLabel('Pricing model').selectOption('package');
    await page.getByLabel('Package size (units)').fill('1000');
    await page.getByLabel('Price per started package (minor units)').fill('100');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.locator('tr[data-feature="API_CALL"]', { hasText: '100 minor units of EUR per started pack of 1000' }).waitFor();

    await openPage(page, 'Overview');
    expect(await textOf(page, 'article[data-feature="OCR_SCAN"] [data-figure=includedQuantity]')).toBe('150');
  });

  it('lists the alert rules in words, adds one, shows a refusal next to its field, removes one, and shows the webhook deliveries', async () => {
    type Rules = { rules: { ruleId: string; feature: string | null; quantity: number | null; percentOfIncluded: number | null; overageAmount: string | null; currency: string | null }[] };
    const rulesPath = `/api/organizations/${demoOrganization}/alerts`;
    const options = { apiKey: tally.organizationKey };
    const page = await signedInAsOrganization();
    await openPage(page, 'Alerts');
    await page.getByRole('heading', { level: 1, name: 'Alerts of Demo Org' }).waitFor();

    // The demo's seed sets one rule: 80% of the included OCR scans.
    const seeded = await json<Rules>(tally.api(rulesPath, options));
    expect(seeded.rules).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', percentOfIncluded: 80 })]);
    expect(await textOf(page, `tr[data-rule-id="${seeded.rules[0].ruleId}"] [data-column=watch]`)).toBe('OCR_SCAN reaches 80% of included');

    const ruleIdField = page.getByLabel(/^Rule id/);
    await ruleIdField.fill('scans-1000');
    await page.getByLabel('Watch').selectOption('quantity');
    await page.getByLabel('Feature', { exact: true }).fill('OCR_SCAN');
    await page.getByLabel('Quantity', { exact: true }).fill('1000');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Added the rule scans-1000' }).waitFor();
    expect(await textOf(page, 'tr[data-rule-id="scans-1000"] [data-column=watch]')).toBe('OCR_SCAN reaches 1,000');

    await ruleIdField.fill('overage-500');
    await page.getByLabel('Watch').selectOption('overageAmount');
    expect(await page.getByLabel('Currency').inputValue()).toBe('EUR');
    await page.getByLabel(/^Amount/).fill('500.00');
    await page.getByRole('button', { name: 'Add rule' }).click();
    // The API keeps the amount as "500"; the page shows it with the currency's two decimals.
    await page.locator('tr[data-rule-id="overage-500"] [data-column=watch]', { hasText: 'overage reaches 500.00 EUR' }).waitFor();
    const added = await json<Rules>(tally.api(rulesPath, options));
    expect(added.rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId: 'scans-1000', feature: 'OCR_SCAN', quantity: 1000 }), expect.objectContaining({ ruleId: 'overage-500', overageAmount: '500', currency: 'EUR' })]),
    );

    // An id with a dot and a percentage of 0: the API refuses both, each message next to its field.
    await ruleIdField.fill('scans.half');
    await page.getByLabel('Watch').selectOption('percentOfIncluded');
    await page.getByLabel('Feature', { exact: true }).fill('OCR_SCAN');
    const percent = page.getByLabel('Percent of included');
    await percent.fill('0');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('#error-ruleId').waitFor();
    expect(await textOf(page, '#error-ruleId')).toContain('must be 1 to 64 letters, digits, "_" or "-"');
    expect(await ruleIdField.getAttribute('aria-invalid')).toBe('true');
    expect(await ruleIdField.getAttribute('aria-describedby')).toBe('error-ruleId');
    expect(await page.locator('#error-percentOfIncluded').count()).toBe(1);
    expect(await percent.getAttribute('aria-describedby')).toBe('error-percentOfIncluded');
    expect((await json<Rules>(tally.api(rulesPath, options))).rules.length).toBe(3);
    await expectAccessible(page);
    await screenshot(page, 'alerts-refused');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove rule scans-1000' }).click();
    await page.getByRole('status').filter({ hasText: 'Removed the rule scans-1000.' }).waitFor();
    expect(await page.locator('tr[data-rule-id="scans-1000"]').count()).toBe(0);
    expect((await json<Rules>(tally.api(rulesPath, options))).rules.map((rule) => rule.ruleId)).not.toContain('scans-1000');

    // The seed's endpoint, with its ping and the 80% crossing delivered to the receiver.
    type Endpoints = { endpoints: { endpointId: string; url: string }[] };
    type Deliveries = { deliveries: { deliveryId: string; eventType: string; status: string; attempts: { statusCode: number | null }[] }[] };
    const [endpoint] = (await json<Endpoints>(tally.api(`/api/organizations/${demoOrganization}/webhooks`, options))).endpoints;
    const delivered = await eventually(async () => {
      const answer = await json<Deliveries>(tally.api(`/api/organizations/${demoOrganization}/webhooks/${endpoint.endpointId}/deliveries`, options));
      const done = answer.deliveries.filter((delivery) => delivery.status === 'delivered');
      expect(done.map((delivery) => delivery.eventType).sort()).toEqual(expect.arrayContaining(['ping', 'usage.threshold_crossed']));
      return done;
    }, 60_000);
    const card = page.locator(`article[data-endpoint-id="${endpoint.endpointId}"]`);
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe(endpoint.url);
    await card.getByText('Latest deliveries').click();
    for (const delivery of delivered) {
      const row = card.locator(`tr[data-delivery-id="${delivery.deliveryId}"]`);
      await row.waitFor();
      expect([await textOf(page, `tr[data-delivery-id="${delivery.deliveryId}"] th`), await row.locator('[data-column=status]').textContent(), await row.locator('[data-column=attempts]').textContent(), await row.locator('[data-column=statusCode]').textContent()]).toEqual([
        delivery.eventType,
        'delivered',
        String(delivery.attempts.length),
        String(delivery.attempts[delivery.attempts.length - 1].statusCode),
      ]);
    }
    await expectAccessible(page);
    await screenshot(page, 'alerts');

    // A server without webhooks answers 503 with a sentence; the page shows it and keeps the rules.
    await page.route('**/webhooks', (route) =>
      route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Webhooks are not available on this server.' }) }),
    );
    await page.reload();
    await page.locator('[data-figure=webhooksUnavailable]', { hasText: 'Webhooks are not available on this server.' }).waitFor();
    expect(await page.locator('tr[data-rule-id="overage-500"]').count()).toBe(1);
    await page.unroute('**/webhooks');
  });

  it('runs an audit and marks every difference in the cell it concerns', async () => {
    const page = await signedInAsOrganization();
    await openPage(page, 'Audit');
    await page.getByRole('button', { name: 'Run audit' }).click();
    await page.getByText('Everything agrees: the event log, the period close, the read models and Stripe.').waitFor();
    const period = await page.getByLabel(/^Billing period/).inputValue();
    type Audit = { agrees: boolean; billingPeriod: { start: string }; features: { feature: string; quantity: number; overageAmount: string; currency: string }[]; differences: { feature: string; field: string; actual: string }[] };
    const proven = await json<Audit>(tally.api(`/api/usage/${demoOrganization}/audit?period=${period}`, { apiKey: tally.organizationKey }));
    expect(proven.agrees).toBe(true);
    for (const feature of proven.features) {
      expect(await textOf(page, `tr[data-feature="${feature.feature}"] td[data-column=quantity]`)).toBe(quantity(feature.quantity));
      expect(await textOf(page, `tr[data-feature="${feature.feature}"] td[data-column=overageAmount]`)).toBe(amount(feature.overageAmount, feature.currency));
    }
    expect(await page.locator('td.differs').count()).toBe(0);

    // An operator's mistake in a read model: the audit finds it against the event log.
    await tamperWithUsage(tally.mongo.db, demoOrganization, proven.billingPeriod.start, 'API_CALL', 500);
    try {
      await page.getByRole('button', { name: 'Run audit' }).click();
      await page.getByText(/difference\(s\) from the event log/).waitFor();
      const found = await json<Audit>(tally.api(`/api/usage/${demoOrganization}/audit?period=${period}`, { apiKey: tally.organizationKey }));
      expect(found.agrees).toBe(false);
      expect(found.differences).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'API_CALL', field: 'quantity' })]));
      expect(await page.locator('ul.differences li').count()).toBe(found.differences.length);
      const marked = page.locator('tr[data-feature="API_CALL"] td[data-column=quantity]');
      expect(await marked.getAttribute('class')).toBe('differs');
      const actual = found.differences.find((difference) => difference.field === 'quantity')?.actual;
      expect(await marked.locator('mark').textContent()).toContain(`read model has ${actual}`);
      expect(await page.locator('tr[data-feature="OCR_SCAN"] td.differs').count()).toBe(0);
      await expectAccessible(page);
      await screenshot(page, 'audit-differences');
    } finally {
      await tamperWithUsage(tally.mongo.db, demoOrganization, proven.billingPeriod.start, 'API_CALL', -500);
    }
    await page.getByRole('button', { name: 'Run audit' }).click();
    await page.getByText('Everything agrees: the event log, the period close, the read models and Stripe.').waitFor();
    await screenshot(page, 'audit');
  });
});

describe('signed in with the admin key', () => {
  it('finds an organization by a part of its name, pages through the list, and creates one', async () => {
    const page = await signedInAsAdmin();
    await page.locator('tr[data-organization-id]').first().waitFor();
    await expectAccessible(page);
    const search = page.getByLabel('Organization id or name');
    await search.fill('org_missing');
    await page.getByText('No organization\'s id or name contains "org_missing".').waitFor();

    // "mo o" is inside "Demo Org" only, in another case: the list narrows as it is typed.
    await search.fill('MO O');
    type Listing = { organizations: { organizationId: string; name: string }[]; next: string | null };
    const listed = await json<Listing>(tally.api('/api/organizations?search=MO%20O'));
    expect(listed.organizations).toEqual([{ organizationId: demoOrganization, name: 'Demo Org' }]);
    await page.getByRole('status').filter({ hasText: '1 organization matching "MO O".' }).waitFor();
    expect(await page.locator('tr[data-organization-id]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-organization-id'), row.querySelector('td:nth-of-type(2)')?.textContent]))).toEqual(
      listed.organizations.map((organization) => [organization.organizationId, organization.name]),
    );
    await page.getByRole('link', { name: demoOrganization }).click();
    await page.getByRole('heading', { level: 1, name: 'Demo Org' }).waitFor();

    const created = `org_console_${RUN}`;
    organizations.push(created);
    await page.getByRole('link', { name: 'Organizations' }).click();
    await page.getByLabel('Id', { exact: true }).fill(created);
    await page.getByLabel('Name', { exact: true }).fill('Console Test GmbH');
    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console Test GmbH' }).waitFor();
    await page.getByText('No usage and no quotas in this period yet.').waitFor();
    expect((await tally.api(`/api/organizations/${created}`)).status).toBe(200);

    await page.getByRole('link', { name: 'Organizations' }).click();
    await page.getByLabel('Organization id or name').fill('console');
    await page.getByRole('status').filter({ hasText: '1 organization matching "console".' }).waitFor();
    await page.locator(`tr[data-organization-id="${created}"]`).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Id', { exact: true }).fill(created);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.locator('#error-organizationId', { hasText: 'already exists' }).waitFor();
    await page.getByLabel('Organization id or name').fill('');

    // A page at a time: "More" brings the next page after the last one shown.
    const all = await json<Listing>(tally.api('/api/organizations'));
    expect(all.organizations.length).toBeGreaterThanOrEqual(3);
    const listing = (url: URL) => url.pathname === '/api/organizations';
    await page.route(listing, (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', '2');
      return route.continue({ url: url.toString() });
    });
    await page.reload();
    await page.getByRole('button', { name: 'More' }).click();
    await page.locator(`tr[data-organization-id="${all.organizations[Math.min(3, all.organizations.length) - 1].organizationId}"]`).waitFor();
    expect(await page.locator('tr[data-organization-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-organization-id')))).toEqual(
      all.organizations.slice(0, 4).map((organization) => organization.organizationId),
    );
    expect((await focusedElement(page)).text).toBe(all.organizations[2].organizationId);
    await page.unroute(listing);
    await screenshot(page, 'organizations');
  });

  it('lists the organization’s keys as the API does, issues one that works once shown, and revokes it', async () => {
    type Keys = { keys: { keyId: string; label: string | null; revokedAt: string | null }[] };
    const page = await signedInAsAdmin();
    await page.goto(`/#/organizations/${demoOrganization}/api-keys`);
    await page.getByRole('heading', { level: 1, name: 'API keys of Demo Org' }).waitFor();
    const issueKey = async (label: string): Promise<string> => {
      await page.getByLabel('Label (optional)').fill(label);
      await page.getByRole('button', { name: 'Issue key' }).click();
      const shown = page.getByLabel('API key (shown once)');
      const issuedKey = await shown.inputValue();
      expect(issuedKey).toMatch(/^tally_[0-9a-f]{16}_/);
      // The list refreshes with the new key.
      await page.locator(`tr[data-key-id="${issuedKey.split('_')[1]}"]`, { hasText: label }).waitFor();
      await page.getByRole('button', { name: 'I stored it; hide the key' }).click();
      expect(await shown.count()).toBe(0);
      return issuedKey;
    };
    const kept = await issueKey('console kept');
    const issuedKey = await issueKey('console test');
    expect((await tally.api(`/api/organizations/${demoOrganization}`, { apiKey: issuedKey })).status).toBe(200);
    expect(await page.content()).not.toContain(issuedKey);

    const keyId = issuedKey.split('_')[1];
    await page.getByRole('button', { name: `Revoke key ${keyId}` }).click();
    await page.getByRole('status').filter({ hasText: `Revoked key ${keyId}.` }).waitFor();
    await expect(eventually(async () => expect((await tally.api(`/api/organizations/${demoOrganization}`, { apiKey: issuedKey })).status).toBe(401), 5_000)).resolves.toBeUndefined();
    await page.locator(`tr[data-key-id="${keyId}"]`, { hasText: 'Revoked' }).waitFor();

    // The page and the API list the same keys, oldest first, with their labels and whether they are revoked.
    const listed = await json<Keys>(tally.api(`/api/organizations/${demoOrganization}/api-keys`));
    expect(listed.keys.map((key) => [key.label, key.revokedAt === null])).toEqual(expect.arrayContaining([['console kept', true], ['console test', false]]));
    expect(
      await page.locator('tr[data-key-id]').evaluateAll((rows) =>
        rows.map((row) => [row.getAttribute('data-key-id'), row.querySelector('[data-column=label]')?.textContent, row.querySelector('[data-column=state]')?.textContent?.startsWith('Revoked')]),
      ),
    ).toEqual(listed.keys.map((key) => [key.keyId, key.label ?? '—', key.revokedAt !== null]));
    expect(await page.getByRole('button', { name: `Revoke key ${kept.split('_')[1]}` }).count()).toBe(1);
    expect(await page.content()).not.toContain(kept);
    await expectAccessible(page);
    await screenshot(page, 'api-keys');
  });

  it('shows the period workflow and runs the billing jobs from buttons', async () => {
    const page = await signedInAsAdmin();
    await page.goto(`/#/organizations/${demoOrganization}/billing`);
    await page.getByRole('heading', { level: 1, name: 'Billing of Demo Org' }).waitFor();
    await page.locator('[data-figure=lastAggregationAt]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /^Aggregate now/ }).click();
    await page.getByRole('status').filter({ hasText: 'aggregate-all: signalled the period workflow.' }).waitFor();
    const status = await eventually(async () => {
      const answer = await json<{ lastAggregationAt: string | null; workflowId: string }>(tally.api(`/api/usage/${demoOrganization}/billing-status`));
      expect(answer.lastAggregationAt).not.toBeNull();
      return answer;
    }, 30_000);
    expect(await textOf(page, '.billing-status')).toContain(status.workflowId);
    await page.locator('[data-figure=lastAggregationAt]', { hasNotText: 'not yet' }).waitFor({ timeout: 15_000 });
    await expectAccessible(page);
    await screenshot(page, 'billing');
  });

  it('closes the period and shows it in the history, as chart and table', async () => {
    const closed = tally.cli(['close-period', '--org', demoOrganization]);
    expect([closed.status, closed.stderr]).toEqual([0, '']);
    type History = { periods: { periodStart: string; totals: { overageAmountDecimal: string; currency: string }[]; features: { feature: string; overageAmountDecimal: string; currency: string }[] }[] };
    const history = await eventually(async () => {
      const answer = await json<History>(tally.api(`/api/usage/${demoOrganization}/history`));
      expect(answer.periods.length).toBe(1);
      return answer;
    }, 60_000);
    const page = await signedInAsAdmin();
    await page.goto(`/#/organizations/${demoOrganization}/history`);
    await page.getByRole('heading', { level: 1, name: 'History of Demo Org' }).waitFor();
    await page.getByRole('img', { name: /^Amount billed per closed period/ }).waitFor();
    await page.locator('canvas[data-drawn]').waitFor();
    const [period] = history.periods;
    expect(await textOf(page, 'tbody [data-figure=periodTotal]')).toBe(totals(period.totals));
    for (const line of period.features) {
      expect(await textOf(page, `tr[data-feature="${line.feature}"] [data-figure=overageAmount]`)).toBe(amount(line.overageAmountDecimal, line.currency));
    }
    await expectAccessible(page);
    await screenshot(page, 'history');
  });
});

describe('on a 390 px phone, with the keyboard', () => {
  const pages = ['Overview', 'Current period', 'History', 'Quotas', 'Alerts', 'Audit', 'Billing'];

  it('lays every page out without sideways scrolling, with no serious accessibility violation', async () => {
    const { page } = await tab(PHONE);
    await signIn(page, tally.organizationKey, demoOrganization);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: /Demo Org/ }).waitFor();
    for (const name of pages) {
      await openPage(page, name);
      await page.getByRole('heading', { level: 1 }).filter({ hasText: name === 'Overview' ? 'Demo Org' : name === 'Current period' ? 'Current period' : name }).waitFor();
      await page.waitForLoadState('networkidle');
      const widths = await layoutWidths(page);
      expect([name, widths.content]).toEqual([name, widths.viewport]);
      expect([name, await seriousAccessibilityViolations(page)]).toEqual([name, []]);
      await screenshot(page, `phone-${name.toLowerCase().replace(/ /g, '-')}`);
    }
  });

  it('lays the admin’s pages out without sideways scrolling either', async () => {
    const { page } = await tab(PHONE);
    await signIn(page, tally.adminKey);
    await page.locator('tr[data-organization-id]').first().waitFor();
    for (const [name, path] of [
      ['Organizations', '/#/organizations'],
      ['API keys', `/#/organizations/${demoOrganization}/api-keys`],
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).filter({ hasText: name }).waitFor();
      await page.waitForLoadState('networkidle');
      const widths = await layoutWidths(page);
      expect([name, widths.content]).toEqual([name, widths.viewport]);
      expect([name, await seriousAccessibilityViolations(page)]).toEqual([name, []]);
      await screenshot(page, `phone-admin-${name.toLowerCase().replace(/ /g, '-')}`);
    }
  });

  it('reaches the content with the skip link and moves the focus to each new page’s heading', async () => {
    const { page } = await tab(PHONE);
    await signIn(page, tally.organizationKey, demoOrganization);
    await page.getByRole('heading', { level: 1, name: 'Demo Org' }).waitFor();
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect((await focusedElement(page)).text).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect((await focusedElement(page)).id).toBe('content');

    await page.getByRole('link', { name: 'Quotas', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Quotas of Demo Org' }).waitFor();
    expect((await focusedElement(page)).tag).toBe('H1');
    // Tab order from the heading reaches the first Edit button before the form.
    for (let step = 0; step < 10 && (await focusedElement(page)).text !== 'Edit'; step++) await page.keyboard.press('Tab');
    expect((await focusedElement(page)).label).toMatch(/^Edit the [A-Z_]+ quota$/);
  });
});
