// The floor under the API's latency figures: a bare Node `http` server in its
// own process on loopback, answering every request with the same small JSON
// body, measured with the same request loop as the API. A figure can then be
// read as "the API's own cost on top of what any Node server pays here".
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const BODY = JSON.stringify({ organizationId: 'org_baseline', feature: 'API_CALL', hasQuota: true, used: 42, included: 1000, remaining: 958 });

export interface BareHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server in a child process (this same file), like the API it stands beside. */
export async function startBareHttpServer(): Promise<BareHttpServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error('the bare http server exited before listening')));
  });
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function serve(): void {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

if (require.main === module) serve();
