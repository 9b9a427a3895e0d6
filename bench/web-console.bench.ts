// The web console's weight and speed, as a browser gets it from `tally serve`:
//   - the built assets, raw and gzipped as tally serve sends them (zlib's
//     default level), split into what the first page loads and what loads with
//     the pages that draw charts;
//   - time to first render in headless Chromium on this machine, with a cold
//     cache (a fresh browser context per run) and warm (the same tab reloaded):
//     the sign-in page's first contentful paint, and the overview with a key
//     already in the tab, from navigation to the first frame showing the
//     features' numbers (its API answers included);
//   - the baseline, measured by the same run in the same browser: the first
//     contentful paint of a bare Node.js HTTP server's fixed answer, and the
//     sign-in page's paint as a multiple of it.
//   npx tsx bench/web-console.bench.ts [--runs 10]
// Needs the built console (npm run build:web), Chromium (scripts/chromium.sh)
// and the local stack (scripts/stack.sh up). Runs tally serve with the demo's
// data and no worker, so only the API and the browser share the cores.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../test/support/stack-settings';
import { startDemoTally } from '../test/web/support/demo-tally';
import { launchChromium } from '../test/web/support/headless-chromium';
import { startBareServer } from './support/bare-server-process';

const dist = join(projectRoot, 'web', 'dist');

interface AssetSize {
  readonly path: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly firstLoad: boolean;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function assetSizes(): AssetSize[] {
  const index = readFileSync(join(dist, 'index.html'), 'utf8');
  const linked = new Set([...index.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((match) => match[1]));
  return filesUnder(dist).map((file) => {
    const path = relative(dist, file);
    const content = readFileSync(file);
    return { path, bytes: content.length, gzipBytes: gzipSync(content).length, firstLoad: path === 'index.html' || linked.has(path) };
  });
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function printSizes(sizes: readonly AssetSize[]): void {
  console.log('Built assets (web/dist), raw and gzipped:');
  for (const size of [...sizes].sort((a, b) => b.gzipBytes - a.gzipBytes)) {
    console.log(`  ${size.path.padEnd(40)} ${kilobytes(size.bytes).padStart(10)} ${kilobytes(size.gzipBytes).padStart(10)} gzip${size.firstLoad ? '  (first page)' : ''}`);
  }
  const sum = (list: readonly AssetSize[], pick: (size: AssetSize) => number) => list.reduce((total, size) => total + pick(size), 0);
  const first = sizes.filter((size) => size.firstLoad);
  const later = sizes.filter((size) => !size.firstLoad && size.path.endsWith('.js'));
  console.log(`  first page (index.html, entry script, styles): ${kilobytes(sum(first, (s) => s.gzipBytes))} gzip (${kilobytes(sum(first, (s) => s.bytes))} raw)`);
  console.log(`  loaded with the pages that draw charts: ${kilobytes(sum(later, (s) => s.gzipBytes))} gzip (${kilobytes(sum(later, (s) => s.bytes))} raw)`);
  console.log(`  everything: ${kilobytes(sum(sizes, (s) => s.gzipBytes))} gzip (${kilobytes(sum(sizes, (s) => s.bytes))} raw)`);
}

// Runs in the page before its scripts: notes the first frame after the features' cards appear.
const OVERVIEW_RENDERED = `
  window.__overviewRenderedAt = null;
  new MutationObserver((_, observer) => {
    if (document.querySelector('article.feature')) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__overviewRenderedAt = performance.now(); });
    }
  }).observe(document, { childList: true, subtree: true });
`;

// Predicates are functions, not strings: the console's CSP forbids evaluating strings in the page.
async function firstContentfulPaint(page: Page): Promise<number> {
  const paint = await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  return (await paint.jsonValue()) as number;
}

async function overviewRendered(page: Page): Promise<number> {
  const rendered = await page.waitForFunction(() => (globalThis as { __overviewRenderedAt?: number | null }).__overviewRenderedAt, undefined, { timeout: 30_000 });
  return (await rendered.jsonValue()) as number;
}

interface Timings {
  signInPaint: number[];
  overviewCold: number[];
  overviewWarm: number[];
}

async function measure(browser: Browser, url: string, session: { key: string; home: string }, runs: number): Promise<Timings> {
  const timings: Timings = { signInPaint: [], overviewCold: [], overviewWarm: [] };
  for (let run = 0; run < runs; run++) {
    const signIn = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
    const signInPage = await signIn.newPage();
    await signInPage.goto('/');
    timings.signInPaint.push(await firstContentfulPaint(signInPage));
    await signIn.close();

    const signedIn = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
    await signedIn.addInitScript(`sessionStorage.setItem('tally.console.session', ${JSON.stringify(session.key)});`);
    await signedIn.addInitScript(OVERVIEW_RENDERED);
    const page = await signedIn.newPage();
    await page.goto(`/#${session.home}`);
    timings.overviewCold.push(await overviewRendered(page));
    await page.reload();
    timings.overviewWarm.push(await overviewRendered(page));
    await signedIn.close();
  }
  return timings;
}

/** The same cold-cache paint, of a bare Node.js server's fixed JSON answer: what this browser and machine take for anything. */
async function barePaints(browser: Browser, runs: number): Promise<number[]> {
  const bare = await startBareServer();
  try {
    const paints: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(bare.url);
      paints.push(await firstContentfulPaint(page));
      await context.close();
    }
    return paints;
  } finally {
    await bare.stop();
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function describe(label: string, values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `  ${label.padEnd(58)} median ${median(values).toFixed(0).padStart(4)} ms   min ${sorted[0].toFixed(0).padStart(4)} ms   max ${sorted[sorted.length - 1].toFixed(0).padStart(4)} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  printSizes(assetSizes());

  const [tally, browser] = await Promise.all([startDemoTally({ worker: false }), launchChromium()]);
  try {
    // The console's session as sign-in leaves it in the tab.
    const session = {
      key: JSON.stringify({ apiKey: tally.organizationKey, role: 'organization', organizationId: tally.organizationId }),
      home: `/organizations/${tally.organizationId}`,
    };
    // One unmeasured round, so the API's own first requests (connections, caches) are not counted.
    await measure(browser, tally.url, session, 1);
    const timings = await measure(browser, tally.url, session, runs);
    await barePaints(browser, 1);
    const bare = await barePaints(browser, runs);
    console.log(`\nTime to first render in headless Chromium, ${runs} runs (load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}):`);
    console.log(describe('bare Node.js server, first contentful paint (baseline)', bare));
    console.log(describe('sign-in page, first contentful paint (cold cache)', timings.signInPaint));
    console.log(describe('overview with its numbers, cold cache', timings.overviewCold));
    console.log(describe('overview with its numbers, reloaded (assets from cache)', timings.overviewWarm));
    const ratio = (values: readonly number[]) => `${(median(values) / median(bare)).toFixed(1)}×`;
    console.log(`  medians as multiples of the baseline: sign-in ${ratio(timings.signInPaint)}, overview cold ${ratio(timings.overviewCold)}, reloaded ${ratio(timings.overviewWarm)}`);
  } finally {
    await browser.close();
    await tally.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
