// What the browser tests do on the console the way a person would: sign in by
// typing the key, follow the page links, and keep a screenshot of each page
// under .data/ for the README and for looking at after a run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../support/stack-settings';

export const SCREENSHOTS = join(projectRoot, '.data', 'web-console', 'screenshots');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface ConsoleTab {
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * What went wrong in the page: uncaught exceptions, errors it logged (a CSP
   * refusal among them), and console files that failed to load. A test expects
   * none. API answers of 4xx are the API's to give and the console's to show.
   */
  readonly errors: string[];
}

// Chromium logs every 4xx answer to fetch as an error; which ones are wrong is told by the URL below.
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of \d+/;

export async function openConsole(browser: Browser, url: string, viewport = DESKTOP): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport, baseURL: url, colorScheme: 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  const isApi = (address: string) => new URL(address).pathname.startsWith('/api/');
  page.on('console', (message) => {
    if (message.type() === 'error' && !FAILED_LOAD.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400 && !isApi(response.url())) errors.push(`${response.status()} for ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // Requests cut short by leaving the page are not failures of the console.
    if (!isApi(request.url()) && request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`${request.failure()?.errorText} for ${request.url()}`);
  });
  await page.goto('/');
  return { context, page, errors };
}

export async function signIn(page: Page, apiKey: string, organizationId = ''): Promise<void> {
  await page.getByLabel('API key').fill(apiKey);
  await page.getByLabel(/^Organization/).fill(organizationId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function openPage(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: /^Organization / }).getByRole('link', { name, exact: true }).click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Text content with whitespace as a reader sees it. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

// The checks below run in the page; they are strings because this project's
// TypeScript knows Node's globals, not the browser's.

/** What the browser keeps for the console: session storage as JSON, and how much local storage holds. */
export async function browserStorage(page: Page): Promise<{ session: Record<string, string>; localEntries: number }> {
  return page.evaluate('({ session: Object.fromEntries(Object.entries(sessionStorage)), localEntries: localStorage.length })');
}

export interface FocusedElement {
  readonly tag: string;
  readonly id: string;
  readonly text: string;
  readonly label: string | null;
}

export async function focusedElement(page: Page): Promise<FocusedElement> {
  return page.evaluate(
    '({ tag: document.activeElement.tagName, id: document.activeElement.id, text: document.activeElement.textContent.trim(), label: document.activeElement.getAttribute("aria-label") })',
  );
}

/** The document's scrollable width against the window's: equal when nothing sticks out sideways. */
export async function layoutWidths(page: Page): Promise<{ content: number; viewport: number }> {
  return page.evaluate('({ content: document.documentElement.scrollWidth, viewport: window.innerWidth })');
}
