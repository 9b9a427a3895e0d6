// Mounts declared routes on Express, each behind the same steps in the same
// order: authenticate, rate-limit, read the JSON body, validate everything with
// the route's zod schemas, and only then decide whether the key may act on the
// organization named. Validating first means a request for another tenant and
// one for an organization that does not exist take the same path and get the
// same answer.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { expressPath, type ApiRoute, type ApiServices, type RouteAnswer, type RouteInput } from './api-route';
import { principalOf, type Authenticator } from './authentication';
import { fieldErrorsFromZod } from './field-paths';
import { HttpProblem, organizationNotFound, validationProblem, type FieldError } from './problem-details';
import type { TokenBucketRateLimiter } from './rate-limiter';

export interface MountOptions {
  readonly authenticator: Authenticator;
  readonly rateLimiter?: TokenBucketRateLimiter;
  /** e.g. "5mb"; larger bodies get 413. */
  readonly bodyLimit: string;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

export function mountRoute(router: Router, route: ApiRoute, services: ApiServices, options: MountOptions): void {
  const steps: RequestHandler[] = [nameRoute(route.path)];
  if (route.access !== 'public') steps.push(options.authenticator.middleware());
  if (route.access !== 'public' && options.rateLimiter) steps.push(rateLimit(options.rateLimiter));
  if (route.body) steps.push(readJsonBody(options.bodyLimit));
  steps.push(handle(route, services));
  router[route.method](expressPath(route.path), ...steps);
}

/**
 * A method a declared path does not take (PUT, TRACE, …) is a 405 naming the
 * ones it does in Allow, not a 404: the path exists. Mounted after every route.
 */
export function refuseUndeclaredMethods(router: Router, routes: readonly ApiRoute[]): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method === 'get') methods.add('HEAD');
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    router.all(expressPath(path), (req) => {
      throw new HttpProblem('method-not-allowed', `${path} does not take ${req.method}; it takes ${allow}.`, { headers: { Allow: allow } });
    });
  }
}

function nameRoute(template: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.routeTemplate = template;
    next();
  };
}

function rateLimit(limiter: TokenBucketRateLimiter): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!principal) return next();
    const decision = limiter.take(principal.rateLimitKey);
    if (!decision.allowed) {
      throw new HttpProblem('rate-limited', 'This API key sent more requests than its rate limit allows.', {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
    next();
  };
}

/**
 * A body must be JSON. An absent body (no length, or a length of 0) is not
 * parsed at all, so "no body" stays distinguishable from "{}" and validation
 * can say a required body is missing.
 */
function readJsonBody(limit: string): RequestHandler {
  // Invalid UTF-8 is refused rather than silently replaced by U+FFFD: a key or a
  // feature name must never be stored as something other than what was sent.
  const parse = express.json({ limit, strict: true, type: () => true, verify: (_req, _res, body) => requireUtf8(body) });
  return (req, res, next) => {
    if (!carriesBody(req)) return next();
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (!JSON_MEDIA_TYPE.test(contentType)) {
      throw new HttpProblem('unsupported-media-type', `The request body must be application/json, not ${JSON.stringify(contentType || 'untyped')}.`);
    }
    parse(req, res, next);
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class InvalidUtf8Error extends Error {
  override readonly name = 'InvalidUtf8Error';
}

function requireUtf8(body: Buffer): void {
  try {
    strictUtf8.decode(body);
  } catch {
    throw new InvalidUtf8Error('The request body is not valid UTF-8.');
  }
}

function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

function handle(route: ApiRoute, services: ApiServices) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const input = validate(route, req, res);
    const principal = input.principal;
    if (principal?.kind === 'organization') {
      const organizationId = route.organizationOf?.(input);
      if (organizationId !== undefined && organizationId !== principal.organizationId) throw organizationNotFound();
      if (route.access === 'admin') throw new HttpProblem('forbidden', 'This route needs the admin key; organization keys cannot use it.');
    }
    const answer = await route.handle(input, services);
    writeAnswer(res, answer);
  };
}

/**
 * Straight to Node's response: Express's `send` would look for ETags and
 * freshness that these answers never have, on the hottest path of the API.
 */
function writeAnswer(res: Response, answer: RouteAnswer): void {
  res.statusCode = answer.status;
  if (answer.headers) for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (answer.body === undefined) {
    res.end();
    return;
  }
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.setHeader('Content-Type', answer.contentType ?? 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

function validate(route: ApiRoute, req: Request, res: Response): RouteInput<unknown, unknown, unknown> {
  const errors: FieldError[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, prefix: readonly string[]) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    errors.push(...fieldErrorsFromZod(result.error, prefix));
    return undefined;
  };
  const params = parse(route.params, { ...req.params }, []);
  const query = parse(route.query, { ...(req.query as Record<string, unknown>) }, []);
  let body: unknown;
  if (route.body) {
    if (req.body === undefined) {
      if (route.body.required) errors.push({ path: '', message: 'a JSON body is required' });
    } else {
      body = parse(route.body.schema, req.body, []);
    }
  }
  if (errors.length > 0) throw validationProblem(errors);
  return { params, query, body, principal: principalOf(res) };
}
