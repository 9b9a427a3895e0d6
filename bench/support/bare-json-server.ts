// The baseline the API benchmarks are measured against: a bare Node.js HTTP
// server that reads each request (body included) and answers it with one
// fixed JSON body, the size of a quota answer. Nothing Tally does (routing,
// authentication, validation, deciding, storing) happens here, so its rate on
// the same machine, under the same load generator and connections, is the
// ceiling that Tally's figures are a share of. It prints its address as one
// JSON line and stops on SIGTERM.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(
  JSON.stringify({
    organizationId: 'org_bench_0',
    feature: 'API_CALL',
    allowed: true,
    requested: 1,
    hasQuota: true,
    withinIncluded: true,
    used: 100,
    reserved: 0,
    included: 1_000_000,
    remaining: 999_900,
    enforcement: 'soft',
    resetPeriod: 'MONTHLY',
    windowStart: '2026-11-01T00:00:00.000Z',
    windowEnd: '2026-12-01T00:00:00.000Z',
    freshness: { position: '1700', caughtUpAt: '2026-11-15T12:00:00.000Z', ageMs: 0, includesRequestedPosition: true },
  }),
);

const server = createServer((request, response) => {
  // Read the whole request as Tally must before answering it.
  request.resume();
  request.once('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'bare server listening', url: `http://127.0.0.1:${port}` }));
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
