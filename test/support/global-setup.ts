// Starts the local stack for integration and end-to-end tests when it is not
// already reachable, and remembers that it did so teardown stops only that.
import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, stackDirectory, stackSettings } from './stack-settings';

export const startedMarker = join(stackDirectory, 'started-by-tests');

function reachable(address: string): Promise<boolean> {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const settings = stackSettings();
  const checks = await Promise.all([
    reachable(settings.temporalAddress),
    reachable(settings.mongodbUrl),
    reachable(`tcp://${settings.stripeApiHost}:${settings.stripeApiPort}`),
  ]);
  if (checks.every(Boolean)) return;
  process.stdout.write('\nlocal stack not reachable; starting it with scripts/stack.sh up\n');
  execFileSync(join(projectRoot, 'scripts', 'stack.sh'), ['up'], { stdio: 'inherit' });
  writeFileSync(startedMarker, new Date().toISOString());
}
