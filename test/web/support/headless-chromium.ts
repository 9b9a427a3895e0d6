// Debian's Chromium, driven headless by playwright-core (which downloads no
// browser of its own). scripts/chromium.sh installs it; without it the browser
// tests fail and say so rather than skip. The flags keep Chromium from reaching
// for the network on its own, which stalls it where there is none.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM}: run scripts/chromium.sh (make test does)`);
  // launch() gives every browser a fresh, temporary user-data directory.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: QUIET_FLAGS });
}
