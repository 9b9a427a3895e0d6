// Organization API keys, managed by the admin: list them (never the keys
// themselves), issue one (the key is in this answer and nowhere else, ever)
// and revoke one (every instance stops accepting it within a second).
import { defineRoute, type ApiRoute } from '../api-route';
import { organizationNotFound } from '../problem-details';
import { organizationPathParams } from '../schemas/common-schemas';
import { apiKeyList, apiKeyPathParams, issueApiKeyBody, issuedApiKey, revokedApiKey } from '../schemas/organization-schemas';

// A key must not linger in a shared cache or a browser's history of responses.
const NOT_STORED = { 'Cache-Control': 'no-store' };

export function apiKeyRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/organizations/{orgId}/api-keys',
      operationId: 'listApiKeys',
      summary: 'The organization’s API keys, revoked ones included, oldest first (admin); never the keys themselves',
      tag: 'api-keys',
      access: 'admin',
      params: organizationPathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Its keys', schema: apiKeyList } },
      handle: async ({ params }, { apiKeys }) => ({ status: 200, body: { keys: await apiKeys.list(params.orgId) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/organizations/{orgId}/api-keys',
      operationId: 'issueApiKey',
      summary: 'Issue an API key for the organization (admin); the key is shown once',
      tag: 'api-keys',
      access: 'admin',
      params: organizationPathParams,
      body: { schema: issueApiKeyBody, required: false },
      organizationOf: ({ params }) => params.orgId,
      responses: { 201: { description: 'Issued; store apiKey now, it cannot be shown again', schema: issuedApiKey } },
      handle: async ({ params, body }, { apiKeys }) => ({
        status: 201,
        body: await apiKeys.issue(params.orgId, body?.label ?? null),
        headers: NOT_STORED,
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organizations/{orgId}/api-keys/{keyId}',
      operationId: 'revokeApiKey',
      summary: 'Revoke one of the organization’s API keys (admin)',
      tag: 'api-keys',
      access: 'admin',
      params: apiKeyPathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Revoked (changed: false when it already was)', schema: revokedApiKey } },
      handle: async ({ params }, { apiKeys, organizations }) => {
        if (!(await organizations.exists(params.orgId))) throw organizationNotFound();
        return { status: 200, body: await apiKeys.revoke(params.orgId, params.keyId) };
      },
    }),
  ];
}
