// One route of the API, declared once: its method and path, who may call it,
// the zod schemas of its path, query and body, its answers, and its handler.
// The same declaration is mounted on Express (validation, access checks) and
// registered in the OpenAPI document, so the two cannot disagree.
import type { z } from 'zod';
import type { AlertRules } from '../../application/alerts/alert-rules';
import type { ApiKeys } from '../../application/api-keys/api-keys';
import type { OrganizationDirectory } from '../../application/organization/organization-directory';
import type { PeriodAudits } from '../../application/audit/period-audit';
import type { BillingWorkflows } from '../../application/ports/billing-workflows';
import type { UsageCommands } from '../../application/usage/usage-commands';
import type { UsageQueries } from '../../application/usage/usage-queries';
import type { WebhookEndpoints } from '../../application/webhooks/webhook-endpoints';
import type { Principal } from './authentication';
import type { ApiMetrics } from './http-metrics';
import type { ReadinessProbe } from './readiness-probe';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

/**
 * 'public': no key; 'organization': an organization's key (for its own
 * organization) or the admin key; 'admin': the admin key only.
 */
export type RouteAccess = 'public' | 'organization' | 'admin';

/** What the handlers work with; passed in, never global. */
export interface ApiServices {
  readonly commands: UsageCommands;
  readonly alertRules: AlertRules;
  readonly queries: UsageQueries;
  readonly apiKeys: ApiKeys;
  readonly organizations: OrganizationDirectory;
  readonly audits: PeriodAudits;
  readonly readiness: ReadinessProbe;
  readonly metrics: ApiMetrics;
  readonly workflows?: BillingWorkflows;
  readonly webhooks?: WebhookEndpoints;
  /** The OpenAPI document of this very app, built once. */
  readonly openApiDocument: () => unknown;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | null;
}

export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Defaults to application/json. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly contentType?: string;
}

interface RouteDeclaration {
  readonly method: HttpMethod;
  /** OpenAPI style, e.g. /api/usage/{orgId}; mounted on Express as /api/usage/:orgId. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'usage' | 'quotas' | 'organizations' | 'api-keys' | 'alerts' | 'billing' | 'operations' | 'webhooks';
  readonly access: RouteAccess;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /** The route records usage or holds quantity, so a hard quota may refuse it (403 quota-exceeded). */
  readonly limitedByHardQuotas?: boolean;
}

export interface RouteSpec<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType> extends RouteDeclaration {
  readonly params?: P;
  readonly query?: Q;
  /** `required: false` lets a client send no body at all (e.g. an empty POST). */
  readonly body?: { readonly schema: B; readonly required: boolean };
  /** The organization the request acts on, once validated; keys of other organizations get the not-found answer. */
  readonly organizationOf?: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => string | undefined;
  readonly handle: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>, services: ApiServices) => Promise<RouteAnswer>;
}

/** A route with its types erased, so routes of different shapes fit in one table. */
export interface ApiRoute extends RouteDeclaration {
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean };
  readonly organizationOf?: (input: RouteInput<unknown, unknown, unknown>) => string | undefined;
  readonly handle: (input: RouteInput<unknown, unknown, unknown>, services: ApiServices) => Promise<RouteAnswer>;
}

export function defineRoute<P extends z.ZodObject = z.ZodObject, Q extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodNever>(
  spec: RouteSpec<P, Q, B>,
): ApiRoute {
  // Sound because the mount only calls these with what the same schemas produced.
  return spec as unknown as ApiRoute;
}

export const expressPath = (openApiPath: string): string => openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

export const json = (status: number, body: unknown): RouteAnswer => ({ status, body });
