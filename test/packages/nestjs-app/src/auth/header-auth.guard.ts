// The product's authentication, reduced to trusting two headers; a real
// product would verify a signed cookie or a JWT and set request.user the same way.
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

@Injectable()
export class HeaderAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const orgId = request.header('x-org-id');
    if (!orgId) throw new UnauthorizedException();
    request.user = { orgId, id: request.header('x-user-id') ?? 'user_1' };
    return true;
  }
}
