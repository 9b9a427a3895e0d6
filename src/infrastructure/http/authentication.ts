// Who is calling: the admin (the key from configuration) or an organization
// (one of its API keys), from `Authorization: Bearer <key>`. Keys are compared
// in constant time; an unknown, revoked or malformed key gets the same 401 as a
// missing one, so answers say nothing about which keys exist.
import { hash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { looksLikeOrganizationKey, type ApiKeys } from '../../application/api-keys/api-keys';
import { HttpProblem } from './problem-details';

export type Principal =
  | { readonly kind: 'admin'; readonly rateLimitKey: 'admin' }
  | { readonly kind: 'organization'; readonly organizationId: string; readonly keyId: string; readonly rateLimitKey: string };

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

const digest = (text: string): Buffer => hash('sha256', text, 'buffer');

export class Authenticator {
  private readonly adminKeyDigest: Buffer;

  constructor(
    adminKey: string,
    private readonly apiKeys: ApiKeys,
  ) {
    // Tokens shaped like organization keys never reach the admin comparison, so the admin key must not be one.
    if (looksLikeOrganizationKey(adminKey)) throw new RangeError('the admin key must not have the form of an organization API key');
    // Comparing digests keeps the comparison constant-time even when the lengths differ.
    this.adminKeyDigest = digest(adminKey);
  }

  async identify(authorization: string | undefined): Promise<Principal | null> {
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (token === undefined) return null;
    // The shape is public, so choosing the comparison by it reveals nothing about either kind of key.
    if (!looksLikeOrganizationKey(token)) {
      return timingSafeEqual(digest(token), this.adminKeyDigest) ? { kind: 'admin', rateLimitKey: 'admin' } : null;
    }
    const key = await this.apiKeys.authenticate(token);
    return key && { kind: 'organization', organizationId: key.organizationId, keyId: key.keyId, rateLimitKey: key.keyId };
  }

  /** Express middleware: sets `res.locals.principal` or answers 401. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const principal = await this.identify(req.headers.authorization);
      if (!principal) {
        throw new HttpProblem('unauthorized', 'Send an API key as "Authorization: Bearer <key>".', {
          headers: { 'WWW-Authenticate': 'Bearer realm="tally"' },
        });
      }
      res.locals.principal = principal;
      next();
    };
  }
}

export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}
