// A NestJS application under test: the real Nest (Express platform) listening
// on a free loopback port, with a logger that keeps what Nest and Tally's
// module say, and the product's own authentication played by a guard that
// trusts two headers, the way a Passport or JWT guard sets request.user.
import { Injectable, type CanActivate, type ExecutionContext, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

export interface LogEntry {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly message: string;
}

export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];
  log = (message: unknown) => this.keep('log', message);
  error = (message: unknown) => this.keep('error', message);
  warn = (message: unknown) => this.keep('warn', message);
  debug = (message: unknown) => this.keep('debug', message);
  verbose = (message: unknown) => this.keep('verbose', message);
  fatal = (message: unknown) => this.keep('fatal', message);

  warnings(): string[] {
    return this.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message);
  }

  private keep(level: LogEntry['level'], message: unknown): void {
    this.entries.push({ level, message: String(message) });
  }
}

/** Sets request.user from x-org-id and x-user-id; a request without them stays anonymous. */
@Injectable()
export class HeaderAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const orgId = request.headers['x-org-id'];
    if (orgId) request.user = { orgId, id: request.headers['x-user-id'] ?? 'user_1' };
    return true;
  }
}

export interface RunningNestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly logger: RecordingLogger;
  /** fetch against the app, as the organization when one is given. */
  request(method: string, path: string, options?: { organizationId?: string; body?: unknown }): Promise<Response>;
}

export async function startNestApp(rootModule: Type): Promise<RunningNestApp> {
  const logger = new RecordingLogger();
  // abortOnError false: a wiring mistake fails the test instead of exiting the process.
  const app = await NestFactory.create(rootModule, { logger, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    url,
    logger,
    request: (method, path, options = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.organizationId !== undefined && { 'x-org-id': options.organizationId }),
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
  };
}

/** The bulk requests a fake Tally received, as organization and items. */
export function bulksReceived(requests: readonly { url: string; body: unknown }[]) {
  return requests
    .filter((request) => request.url === '/api/usage/track/bulk')
    .map((request) => request.body as { organizationId: string; items: { feature: string; quantity?: number; metadata?: unknown; userId?: string }[] });
}
