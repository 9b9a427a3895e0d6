// After `make demo`, the README's audit example works verbatim: typed in the
// project by a user who exported nothing, `npx tally audit --org org_demo …`
// finds the demo's event log and read models through the settings file
// `make demo` writes, says on stderr which file it read, and the bill agrees.
// The demo runs in a copy of the project made of links (its own .data/ and
// dist/) with its own stack on free ports, so it never touches a demo or a
// stack already running here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../support/stack-settings';

// What a clone holds before its first command: no state, no build, no history.
const LEFT_OUT = new Set(['.data', 'dist', '.git', 'coverage']);
// A user's shell knows nothing of Tally: no settings, no stack ports.
const TALLY_VARIABLE = /^(TALLY_|MONGODB_|TEMPORAL_|STRIPE_|EVENTSTORE_|PROJECTOR_|LOG_LEVEL$|HOST$|PORT$)/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function userShellEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !TALLY_VARIABLE.test(name)));
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv, timeout = 120_000) {
  const result = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the README audit example after make demo', () => {
  const clone = mkdtempSync(join(tmpdir(), 'tally-demo-'));
  const readmeAudit = /^npx tally audit --org org_demo --period \d{4}-\d{2}$/m.exec(readFileSync(join(projectRoot, 'README.md'), 'utf8'))?.[0];
  let demoEnv: NodeJS.ProcessEnv;
  let demo: ReturnType<typeof run>;

  beforeAll(async () => {
    for (const entry of readdirSync(projectRoot)) if (!LEFT_OUT.has(entry)) symlinkSync(join(projectRoot, entry), join(clone, entry));
    const [temporal, temporalUi, ferretdb, stripeMock, api] = await Promise.all(Array.from({ length: 5 }, freePort));
    demoEnv = {
      ...userShellEnvironment(),
      TALLY_TEMPORAL_PORT: String(temporal),
      TALLY_TEMPORAL_UI_PORT: String(temporalUi),
      TALLY_FERRETDB_PORT: String(ferretdb),
      TALLY_STRIPE_MOCK_PORT: String(stripeMock),
      TALLY_DEMO_PORT: String(api),
    };
    demo = run('make demo', clone, demoEnv, 300_000);
    process.stdout.write(`make demo exited ${demo.status}:\n${demo.stdout}${demo.stderr}`);
  }, 330_000);

  afterAll(() => {
    // Stops the demo's processes and its stack, by the pids in the copy's own .data/.
    process.stdout.write(run('make demo-down', clone, demoEnv, 120_000).stdout);
    rmSync(clone, { recursive: true, force: true });
  }, 130_000);

  it('is in the README, and make demo prints the one for the current month', () => {
    expect(readmeAudit).toBeDefined();
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/^ {2}npx tally audit --org org_demo --period \d{4}-\d{2}$/m);
  });

  it('works verbatim in the project: the demo settings file is read and named, and the bill agrees', () => {
    const audit = run(readmeAudit!, clone, userShellEnvironment());
    expect(audit.stderr).toBe('tally: settings from .data/tally.env (variables set in the environment win)\n');
    expect(audit.stdout).toMatch(/^Audit of org_demo, period /);
    expect(audit.stdout).toContain('Everything agrees');
    expect(audit.status).toBe(0);
  }, 120_000);

  it("the printed command audits the demo's usage of this month", () => {
    const printed = /npx tally audit --org org_demo --period \d{4}-\d{2}/.exec(demo.stdout)![0];
    const audit = run(printed, clone, userShellEnvironment());
    expect(audit.status).toBe(0);
    for (const feature of ['OCR_SCAN', 'API_CALL', 'SMS_SENT', 'STORAGE_GB']) expect(audit.stdout).toMatch(new RegExp(`^${feature} +[1-9]`, 'm'));
    expect(audit.stdout).toContain('Everything agrees');
  }, 120_000);

  it("registers the demo organization's webhook endpoint at the demo's receiver, which prints the deliveries it verified", async () => {
    expect(demo.stdout).toMatch(/^Webhooks: the demo organization's deliveries go to http:\/\/127\.0\.0\.1:\d+\/webhooks\/tally \(endpoint we_[0-9a-f]{16};/m);
    const log = join(clone, '.data', 'demo', 'receiver.log');
    const deadline = Date.now() + 60_000;
    while (!/ ping [0-9a-f-]{36} for org_demo, signature verified/.test(readFileSync(log, 'utf8')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(log, 'utf8')).toMatch(/ ping [0-9a-f-]{36} for org_demo, signature verified\n\{\n {2}"endpointId": "we_[0-9a-f]{16}"/);
  }, 90_000);
});
