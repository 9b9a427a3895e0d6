// The console's pages by address. Addresses live in the URL's hash and name
// only an organization and a page, never a key.
export type OrganizationPageName = 'overview' | 'current-period' | 'history' | 'quotas' | 'alerts' | 'api-keys' | 'audit' | 'billing';

export interface OrganizationPageLink {
  readonly page: OrganizationPageName;
  readonly label: string;
  readonly adminOnly: boolean;
}

export const ORGANIZATION_PAGES: readonly OrganizationPageLink[] = [
  { page: 'overview', label: 'Overview', adminOnly: false },
  { page: 'current-period', label: 'Current period', adminOnly: false },
  { page: 'history', label: 'History', adminOnly: false },
  { page: 'quotas', label: 'Quotas', adminOnly: false },
  { page: 'alerts', label: 'Alerts', adminOnly: false },
  { page: 'api-keys', label: 'API keys', adminOnly: true },
  { page: 'audit', label: 'Audit', adminOnly: false },
  { page: 'billing', label: 'Billing', adminOnly: false },
];

export const ORGANIZATIONS_PATH = '/organizations';

export function organizationPath(organizationId: string, page: OrganizationPageName = 'overview'): string {
  const base = `${ORGANIZATIONS_PATH}/${encodeURIComponent(organizationId)}`;
  return page === 'overview' ? base : `${base}/${page}`;
}

export const pageNamed = (segment: string): OrganizationPageName | null =>
  segment === '' ? 'overview' : (ORGANIZATION_PAGES.find((link) => link.page === segment && segment !== 'overview')?.page ?? null);
