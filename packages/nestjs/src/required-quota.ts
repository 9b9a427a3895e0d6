// The quotas a route requires, as @RequireQuota records them on the handler
// and on the controller for QuotaGuard to read. Each decorator adds one, so a
// controller-wide requirement and a handler's own both apply.
import 'reflect-metadata';
import type { UsageFeatureKey } from '@tally/sdk';
import type { OrganizationExtractor } from './tally-options.js';

export const REQUIRED_QUOTA = Symbol('TALLY_REQUIRED_QUOTA');

export interface RequireQuotaOptions {
  /** The organization whose quota to check; undefined lets the request through. Default: the module's, `request.user.orgId`. */
  readonly extractOrgId?: OrganizationExtractor;
}

export interface RequiredQuota extends RequireQuotaOptions {
  readonly feature: UsageFeatureKey;
}

/** Adds a requirement to a controller (a class) or a handler (a method). */
export function addRequiredQuota(requirement: RequiredQuota): ClassDecorator & MethodDecorator {
  return (target: object, _propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor ? descriptor.value : target;
    const existing = (Reflect.getOwnMetadata(REQUIRED_QUOTA, holder) as RequiredQuota[] | undefined) ?? [];
    Reflect.defineMetadata(REQUIRED_QUOTA, [...existing, requirement], holder);
  };
}

/** The handler's requirements first, then its controller's; one per feature. */
export function requiredQuotas(handler: object, controller: object): RequiredQuota[] {
  const all = [handler, controller].flatMap((holder) => (Reflect.getOwnMetadata(REQUIRED_QUOTA, holder) as RequiredQuota[] | undefined) ?? []);
  return all.filter((requirement, index) => all.findIndex((other) => other.feature === requirement.feature) === index);
}
