// @tally/sdk/express: the Express middleware that records a usage event per
// successful request, and can check the organization's quota before the
// handler runs. It is its own entry point because its types name Express's
// Request and Response; the main entry stays free of them, so a project
// without Express (or its types) installs and compiles the SDK as is.
export { trackUsage, type TrackUsageMiddlewareOptions } from './express-middleware.js';
export type { QuotaChecker, QuotaUnknownPolicy, RequireQuotaOptions } from './express-quota-gate.js';
