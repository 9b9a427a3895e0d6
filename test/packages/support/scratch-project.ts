// A project outside the repository, in the OS temp folder, set up the way a
// product team would: a package.json naming public packages from the npm
// registry and Tally's packed tarballs, `npm install`, the compiler, and the
// program started as a process. npm runs with a clean environment (no npm_*
// variables inherited from the test run, which could point it back at this
// repository) and a download cache under .data/npm-cache, so only the first
// run fetches from the registry.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../support/stack-settings';

const npmCache = join(projectRoot, '.data', 'npm-cache');

/** The test run's environment without anything npm or a package script put there. */
function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD' && name !== 'NODE_OPTIONS');
  return { ...Object.fromEntries(kept), ...extra };
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningProgram {
  readonly url: string;
  readonly output: string[];
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class ScratchProject {
  private constructor(readonly directory: string) {}

  /** Copies the fixture folder and writes package.json with the given changes to the fixture's. */
  static create(label: string, fixture: string, manifest: (fixtureManifest: Record<string, unknown>) => Record<string, unknown>): ScratchProject {
    const directory = mkdtempSync(join(tmpdir(), `tally-${label}-`));
    cpSync(fixture, directory, { recursive: true });
    const fixtureManifest = JSON.parse(readFileSync(join(fixture, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest(fixtureManifest), null, 2)}\n`);
    return new ScratchProject(directory);
  }

  /** Copies more files in (e.g. sources shared by two fixtures). */
  add(from: string, to: string): void {
    cpSync(from, join(this.directory, to), { recursive: true });
  }

  install(): CommandResult {
    return this.run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', npmCache], 600_000);
  }

  /** Runs a command in the project; throws with its output when it fails. */
  run(command: string, args: readonly string[], timeoutMs = 180_000, env: Record<string, string> = {}): CommandResult {
    const result = spawnSync(command, args, { cwd: this.directory, env: cleanEnvironment(env), encoding: 'utf8', timeout: timeoutMs });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} in ${this.directory} failed (${result.error?.message ?? `status ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
    }
    return { stdout: result.stdout, stderr: result.stderr };
  }

  /** Starts `node <entry>` and waits (up to a minute) for the line announcing its URL. */
  async start(entry: string, env: Record<string, string>, listening = /listening on (http:\/\/\S+)/): Promise<RunningProgram> {
    const child: ChildProcess = spawn(process.execPath, [entry], { cwd: this.directory, env: cleanEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => output.push(line));
    let startUpLimit: NodeJS.Timeout | undefined;
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        output.push(line);
        const match = listening.exec(line);
        if (match) resolve(match[1]);
      });
      void exited.then((how) => reject(new Error(`node ${entry} exited (${JSON.stringify(how)}) before listening:\n${output.join('\n')}`)));
      startUpLimit = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`node ${entry} did not announce its URL within a minute:\n${output.join('\n')}`));
      }, 60_000);
    }).finally(() => clearTimeout(startUpLimit));
    return {
      url,
      output,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}
