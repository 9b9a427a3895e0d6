// The organization an HTTP request bills when nothing else is said: the
// `orgId` of the authenticated user that a product's auth guard (Passport, a
// JWT guard) put on the request, as in `@TrackUsage`'s usual extractor
// `(ctx) => ctx.switchToHttp().getRequest().user.orgId`. Other transports
// (RPC, WebSockets) have no such convention, so they bill nothing by default.
import type { ExecutionContext } from '@nestjs/common';

export function organizationOfRequest(context: ExecutionContext): string | undefined {
  if (context.getType() !== 'http') return undefined;
  const request = context.switchToHttp().getRequest<{ user?: { orgId?: unknown } } | undefined>();
  const organizationId = request?.user?.orgId;
  return typeof organizationId === 'string' && organizationId !== '' ? organizationId : undefined;
}
