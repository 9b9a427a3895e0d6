// What the product's authentication leaves on a request.
import type { Request } from 'express';

export interface AuthenticatedRequest extends Request {
  user: { orgId: string; id: string };
}
