// The SDK keeps its own copies of the API's answer types (it must install
// without the server), so nothing but this file stops them drifting apart.
// The compile-time half: each `same<Sdk, Server>()` below fails `tsc --noEmit`
// (run by `make test`) when an SDK answer type differs from the server's
// application type in a field, its type or whether it is optional; each
// SDK input must be accepted by the server's input type. The run-time half
// compares the SDK's field lists with the server's own answer schemas (the
// OpenAPI document) and with the fields of a real quota-exceeded answer.
import type * as Sdk from '@tally/sdk';
import type { ReadOptions as ServerReadOptions, CostEstimate, CurrentUsage, FeatureEstimate, FeatureUsage, HistoryPeriod, QuotaCheck, UsageHistory } from '../../src/application/usage/usage-queries';
import type {
  BulkUsageItem,
  CommitReservationInput,
  CommittedReservation,
  ReleasedReservation,
  Reservation,
  ReserveUsageInput,
  TrackBulkUsageResult,
  TrackedUsage,
  TrackUsageInput,
  TrackUsageResult,
  WriteResult,
} from '../../src/application/usage/usage-commands';
import type { Freshness } from '../../src/application/usage/read-model-freshness';
import type { CurrencyTotal } from '../../src/application/usage/usage-amounts';
import { QuotaExceededError as ServerQuotaExceededError, type QuotaRefusal } from '../../src/domain/quota-enforcement';
import { toHttpProblem } from '../../src/infrastructure/http/error-handler';
import { committedReservation, releasedReservation, reservation } from '../../src/infrastructure/http/schemas/reservation-schemas';
import { costEstimate, currentUsage, quotaCheck, trackBulkUsageResult, trackUsageResult, usageHistory } from '../../src/infrastructure/http/schemas/usage-schemas';

/**
 * Intersections and interfaces with the same fields compare equal, and
 * readonly marks are set aside (they do not travel over JSON; the server's
 * answer schemas set them aside too).
 */
type Flat<T> = T extends readonly (infer Item)[] ? Flat<Item>[] : T extends object ? { -readonly [K in keyof T]: Flat<T[K]> } : T;

/** Exactly the same type: no extra or missing field, the same field types, the same optional marks. */
type Equals<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;

/** Compiles only when A and B are the same; the argument names both in the error message. */
function same<A, B>(..._proof: Equals<A, B> extends true ? [] : [{ readonly differ: [A, B] }]): void {}

/** Compiles only when everything the SDK may send is something the server accepts. */
function accepted<_SdkInput extends ServerInput, ServerInput>(): void {}

// Answers: the very same types.
same<Sdk.Freshness, Freshness>();
same<Sdk.TrackedUsage, TrackedUsage>();
same<Sdk.TrackUsageResult, TrackUsageResult>();
same<Sdk.TrackBulkUsageResult, TrackBulkUsageResult>();
same<Sdk.WriteResult, WriteResult>();
same<Sdk.CurrencyTotal, CurrencyTotal>();
same<Sdk.FeatureUsage, FeatureUsage>();
same<Sdk.CurrentUsage, CurrentUsage>();
same<Sdk.QuotaCheck, QuotaCheck>();
same<Sdk.HistoryPeriod, HistoryPeriod>();
same<Sdk.UsageHistory, UsageHistory>();
same<Sdk.FeatureEstimate, FeatureEstimate>();
same<Sdk.CostEstimate, CostEstimate>();
same<Sdk.Reservation, Reservation>();
same<Sdk.CommittedReservation, CommittedReservation>();
same<Sdk.ReleasedReservation, ReleasedReservation>();
// The top level of a 403 quota-exceeded answer: a refusal's figures without the refused field and quantity.
same<Sdk.QuotaExceededDetails, Omit<QuotaRefusal, 'field' | 'requested'>>();

// Inputs: what the SDK sends, the server takes (the SDK narrows feature keys for completion only).
accepted<Sdk.TrackUsageInput, TrackUsageInput>();
accepted<Sdk.BulkUsageItem, BulkUsageItem>();
accepted<Sdk.ReserveUsageInput, ReserveUsageInput>();
accepted<Sdk.CommitReservationInput, CommitReservationInput>();
accepted<Sdk.ReadOptions, ServerReadOptions>();

/** Every field name of T, checked complete by the compiler: a missing or unknown name fails to compile. */
const fieldsOf = <T>(fields: Record<keyof T, true>): string[] => Object.keys(fields).sort();

/** The field names a server answer schema (a zod object) documents. */
const documented = (schema: { shape: object }): string[] => Object.keys(schema.shape).sort();

describe("the SDK's answer types", () => {
  it.each([
    ['QuotaCheck', quotaCheck, fieldsOf<Sdk.QuotaCheck>({ organizationId: true, feature: true, allowed: true, requested: true, hasQuota: true, withinIncluded: true, used: true, reserved: true, included: true, remaining: true, enforcement: true, resetPeriod: true, windowStart: true, windowEnd: true, freshness: true })],
    ['Reservation', reservation, fieldsOf<Sdk.Reservation>({ reservationId: true, feature: true, quantity: true, expiresAt: true, windowStart: true, windowEnd: true, duplicate: true, position: true })],
    ['CommittedReservation', committedReservation, fieldsOf<Sdk.CommittedReservation>({ reservationId: true, committedQuantity: true, duplicate: true, usageKey: true, billingPeriod: true, position: true })],
    ['ReleasedReservation', releasedReservation, fieldsOf<Sdk.ReleasedReservation>({ reservationId: true, changed: true, position: true })],
    ['TrackUsageResult', trackUsageResult, fieldsOf<Sdk.TrackUsageResult>({ idempotencyKey: true, duplicate: true, countedAs: true, billingPeriod: true, position: true })],
    ['TrackBulkUsageResult', trackBulkUsageResult, fieldsOf<Sdk.TrackBulkUsageResult>({ accepted: true, duplicates: true, items: true, position: true })],
    ['CurrentUsage', currentUsage, fieldsOf<Sdk.CurrentUsage>({ organizationId: true, periodStart: true, periodEnd: true, totalOverageAmount: true, currency: true, totals: true, features: true, freshness: true })],
    ['UsageHistory', usageHistory, fieldsOf<Sdk.UsageHistory>({ organizationId: true, periods: true, freshness: true })],
    ['CostEstimate', costEstimate, fieldsOf<Sdk.CostEstimate>({ organizationId: true, periodStart: true, periodEnd: true, method: true, estimatedAmount: true, currentAmount: true, currency: true, totals: true, features: true, freshness: true })],
  ])('%s names the fields the API documents', (_name, schema, sdkFields) => {
    expect(sdkFields).toEqual(documented(schema));
  });

  it("QuotaExceededDetails names the fields at the top level of the API's 403 quota-exceeded answer", () => {
    const refusal: QuotaRefusal = {
      field: 'items[1].quantity',
      feature: 'OCR_SCAN',
      included: 50,
      used: 49,
      reserved: 0,
      remaining: 1,
      requested: 2,
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
    };
    const problem = toHttpProblem(new ServerQuotaExceededError([refusal]));
    expect(problem?.status).toBe(403);
    const sdkFields = fieldsOf<Sdk.QuotaExceededDetails>({ feature: true, included: true, used: true, reserved: true, remaining: true, windowStart: true, windowEnd: true });
    expect(Object.keys(problem?.options.extensions ?? {}).sort()).toEqual(sdkFields);
  });
});
