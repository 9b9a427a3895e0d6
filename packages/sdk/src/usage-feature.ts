// The ten metered features Tally knows out of the box, as the SDK's own copy:
// the SDK ships alone, so it cannot import the server's catalogue. Organizations
// may define more features, so every API takes a plain string as well.

export type BuiltInUsageFeature =
  | 'OCR_SCAN'
  | 'API_CALL'
  | 'STORAGE_GB'
  | 'AI_CLASSIFICATION'
  | 'EMAIL_SENT'
  | 'BANK_SYNC'
  | 'SMS_SENT'
  | 'PDF_EXPORT'
  | 'WEBHOOK'
  | 'CUSTOM_REPORT';

/** The built-in features as an enum-like object: `UsageFeature.OCR_SCAN`. */
export const UsageFeature: { readonly [K in BuiltInUsageFeature]: K } = Object.freeze({
  OCR_SCAN: 'OCR_SCAN',
  API_CALL: 'API_CALL',
  STORAGE_GB: 'STORAGE_GB',
  AI_CLASSIFICATION: 'AI_CLASSIFICATION',
  EMAIL_SENT: 'EMAIL_SENT',
  BANK_SYNC: 'BANK_SYNC',
  SMS_SENT: 'SMS_SENT',
  PDF_EXPORT: 'PDF_EXPORT',
  WEBHOOK: 'WEBHOOK',
  CUSTOM_REPORT: 'CUSTOM_REPORT',
});

/**
 * A built-in feature or an organization's own (e.g. 'VIDEO_MINUTE'). The
 * `string & {}` keeps editor completion for the built-ins while accepting any key.
 */
export type UsageFeatureKey = BuiltInUsageFeature | (string & {});
