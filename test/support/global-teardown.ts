// Stops the local stack only when this test run's global setup started it; a
// stack the developer started stays up for the next run.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './stack-settings';
import { startedMarker } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(startedMarker)) return;
  rmSync(startedMarker);
  execFileSync(join(projectRoot, 'scripts', 'stack.sh'), ['down'], { stdio: 'inherit' });
}
