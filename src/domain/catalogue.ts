// The feature catalogue: the ten metered features Tally knows out of the box
// (the ten metered features products use most) and the rules for features an organization defines
// itself. A feature says what is counted, in which unit, and how events combine
// into a window's quantity.

import { validationError, DomainError } from './domain-error';
import type { ResetPeriod } from './periods';

/**
 * How a window's quantity is formed from its events:
 * 'sum' — add every event (scans, calls);
 * 'max' — the peak value (a level such as stored gigabytes, reported as a total);
 * 'latest' — the value of the event with the latest timestamp.
 */
export type Aggregation = 'sum' | 'max' | 'latest';
export const AGGREGATIONS: readonly Aggregation[] = Object.freeze(['sum', 'max', 'latest']);

export interface FeatureDefinition {
  readonly key: string;
  readonly displayName: string;
  readonly unit: string;
  readonly aggregation: Aggregation;
  readonly defaultIncludedQuantity: number;
  /**
   * Minor units of the organization's own currency, as a decimal string. A price list
   * says "$0.05/scan"; Tally applies the same figure (5) in whatever currency
   * the organization is billed in, so 5 means €0.05 for a EUR org and ¥5 for a
   * JPY org (whose minor unit is the yen).
   */
  readonly defaultPricePerUnit: string;
  readonly builtIn: boolean;
}

/** Quotas reset monthly unless configured otherwise. */
export const DEFAULT_RESET_PERIOD: ResetPeriod = 'MONTHLY';

export type BuiltInFeature =
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

/** The built-in features by name, so `UsageFeature.OCR_SCAN` reads as products write it. */
export const UsageFeature: { readonly [K in BuiltInFeature]: K } = Object.freeze({
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

function builtIn(
  key: BuiltInFeature,
  displayName: string,
  unit: string,
  defaultIncludedQuantity: number,
  defaultPricePerUnit: string,
  aggregation: Aggregation = 'sum',
): FeatureDefinition {
  return Object.freeze({ key, displayName, unit, aggregation, defaultIncludedQuantity, defaultPricePerUnit, builtIn: true });
}

export const BUILT_IN_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  builtIn('OCR_SCAN', 'OCR Scans', 'scan', 50, '5'),
  builtIn('API_CALL', 'API Calls', 'call', 10000, '0.1'),
  // Storage is reported as the org's *total* size on every upload;
  // summing those reports would bill the same gigabytes again and again.
  builtIn('STORAGE_GB', 'Storage', 'GB', 5, '2', 'max'),
  builtIn('AI_CLASSIFICATION', 'AI Classifications', 'classification', 100, '1'),
  builtIn('EMAIL_SENT', 'Emails', 'email', 1000, '0.5'),
  builtIn('BANK_SYNC', 'Bank Syncs', 'sync', 30, '3'),
  builtIn('SMS_SENT', 'SMS Messages', 'sms', 100, '10'),
  builtIn('PDF_EXPORT', 'PDF Exports', 'export', 200, '2'),
  builtIn('WEBHOOK', 'Webhooks', 'webhook', 5000, '0.2'),
  builtIn('CUSTOM_REPORT', 'Custom Reports', 'report', 50, '5'),
]);

export function isBuiltInFeature(key: string): key is BuiltInFeature {
  return Object.prototype.hasOwnProperty.call(UsageFeature, key);
}

// Looked up for every usage event a command decides.
const BUILT_IN_BY_KEY: ReadonlyMap<string, FeatureDefinition> = new Map(BUILT_IN_FEATURES.map((feature) => [feature.key, feature]));

export function builtInFeature(key: string): FeatureDefinition | undefined {
  return BUILT_IN_BY_KEY.get(key);
}

export function isAggregation(value: unknown): value is Aggregation {
  return typeof value === 'string' && (AGGREGATIONS as readonly string[]).includes(value);
}

/** Upper-case identifiers like the built-ins, so keys read the same in events, URLs and Stripe metadata. */
export const FEATURE_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_DISPLAY_NAME_LENGTH = 100;
const MAX_UNIT_LENGTH = 32;

function requiredText(value: unknown, field: string, maxLength: number): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw validationError(field, `${field} must not be empty`);
  if ([...text].length > maxLength) {
    throw validationError(field, `${field} must be at most ${maxLength} characters, got ${text.length}`);
  }
  return text;
}

/** Checks an organization's own feature and returns its definition. */
export function validateCustomFeature(def: {
  key: string;
  displayName: string;
  unit: string;
  aggregation?: Aggregation;
}): FeatureDefinition {
  if (typeof def.key !== 'string' || !FEATURE_KEY_PATTERN.test(def.key)) {
    throw validationError(
      'key',
      `key ${JSON.stringify(def.key)} must be 2–64 characters of A–Z, 0–9 and _, starting with a letter (e.g. "VIDEO_MINUTE")`,
    );
  }
  if (isBuiltInFeature(def.key)) {
    throw new DomainError('conflict', `key "${def.key}" is a built-in feature; choose another key`, 'key');
  }
  const displayName = requiredText(def.displayName, 'displayName', MAX_DISPLAY_NAME_LENGTH);
  const unit = requiredText(def.unit, 'unit', MAX_UNIT_LENGTH);
  const aggregation = def.aggregation ?? 'sum';
  if (!isAggregation(aggregation)) {
    throw validationError('aggregation', `aggregation ${JSON.stringify(aggregation)} is not one of ${AGGREGATIONS.join(', ')}`);
  }
  return customFeature(def.key, displayName, unit, aggregation);
}

/**
 * An organization's own feature. It starts with nothing included and a price
 * of 0: what it costs is set by the quota, not guessed here.
 */
export function customFeature(key: string, displayName: string, unit: string, aggregation: Aggregation): FeatureDefinition {
  return Object.freeze({ key, displayName, unit, aggregation, defaultIncludedQuantity: 0, defaultPricePerUnit: '0', builtIn: false });
}
