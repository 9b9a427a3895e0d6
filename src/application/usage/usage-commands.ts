// The write side as callers see it, by name:
// configureOrganization, configureQuota, trackUsage, trackBulkUsage, plus
// custom features, quota removal and operator corrections.
import type { CommitReservation, ConfigureOrganization, ConfigureQuota, CorrectUsage, DefineCustomFeature, UsageItem } from '../../domain/commands';
import { reservationUsageKey } from '../../domain/decide-reservations';
import { reservationByKey } from '../../domain/reservations';
import { isUsageEvent, type IntervalRecord, type OrganizationEvent, type UsageEvent, type UsageReserved } from '../../domain/events';
import { idempotencyKeyFor } from './idempotency-keys';
import type { OrganizationCommandHandler } from '../organization/organization-command-handler';
import type { IdGenerator } from '../ports/clock';
import type { GlobalPosition } from '../ports/event-store';

/** One usage item as callers send it: quantity defaults to 1, the idempotency key may be derived. */
export type TrackUsageInput = { readonly organizationId: string } & Omit<UsageItem, 'quantity' | 'idempotencyKey'> & {
  /** Defaults to 1. */
  readonly quantity?: number;
  readonly idempotencyKey?: string;
};

export type BulkUsageItem = Omit<TrackUsageInput, 'organizationId'>;

export interface TrackedUsage {
  readonly idempotencyKey: string;
  /** True when the key was accepted before: acknowledged, not counted again. */
  readonly duplicate: boolean;
  /** 'usage' counts where it happened; 'correction' arrived after its period closed and counts in the open one. */
  readonly countedAs: 'usage' | 'correction' | null;
  readonly billingPeriod: IntervalRecord | null;
}

export interface TrackUsageResult extends TrackedUsage {
  /** Pass to a query's `waitForPosition` to read this write. */
  readonly position: string | null;
}

export interface TrackBulkUsageResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly items: readonly TrackedUsage[];
  readonly position: string | null;
}

export type ConfigureQuotaInput = ConfigureQuota['data'];

export type ConfigureOrganizationInput = ConfigureOrganization['data'];

export type DefineCustomFeatureInput = DefineCustomFeature['data'];

/** An operator correction; without an idempotency key it gets a fresh one. */
export type CorrectUsageInput = Omit<CorrectUsage['data'], 'idempotencyKey'> & { readonly idempotencyKey?: string };

export interface WriteResult {
  /** False when the command changed nothing (the same configuration again). */
  readonly changed: boolean;
  readonly position: string | null;
}

export interface ReserveUsageInput {
  readonly organizationId: string;
  readonly feature: string;
  readonly quantity: number;
  readonly expiresInSeconds: number;
  readonly idempotencyKey?: string;
}

export interface Reservation {
  readonly reservationId: string;
  readonly feature: string;
  readonly quantity: number;
  readonly expiresAt: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** True when this answers an earlier request with the same idempotency key. */
  readonly duplicate: boolean;
  readonly position: string | null;
}

export type CommitReservationInput = CommitReservation['data'];

export interface CommittedReservation {
  readonly reservationId: string;
  readonly committedQuantity: number;
  /** True when the reservation had been committed already with this quantity. */
  readonly duplicate: boolean;
  /** The idempotency key the usage was recorded under. */
  readonly usageKey: string;
  readonly billingPeriod: IntervalRecord | null;
  readonly position: string | null;
}

export interface ReleasedReservation {
  readonly reservationId: string;
  /** False when it had been released or had expired already. */
  readonly changed: boolean;
  readonly position: string | null;
}

const positionText = (position: GlobalPosition | null): string | null => (position === null ? null : position.toString());

function reservationOf(data: Pick<UsageReserved['data'], 'reservationId' | 'feature' | 'quantity' | 'expiresAt' | 'window'>) {
  return { reservationId: data.reservationId, feature: data.feature, quantity: data.quantity, expiresAt: data.expiresAt, windowStart: data.window.start, windowEnd: data.window.end };
}

export class UsageCommands {
  constructor(
    private readonly handler: OrganizationCommandHandler,
    private readonly ids: IdGenerator,
  ) {}

  async configureOrganization(input: ConfigureOrganizationInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'ConfigureOrganization', data: input }));
  }

  async defineCustomFeature(input: DefineCustomFeatureInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'DefineCustomFeature', data: input }));
  }

  async configureQuota(input: ConfigureQuotaInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'ConfigureQuota', data: input }));
  }

  async removeQuota(organizationId: string, feature: string): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'RemoveQuota', data: { organizationId, feature } }));
  }

  async trackUsage(input: TrackUsageInput): Promise<TrackUsageResult> {
    const { organizationId, ...item } = input;
    const result = await this.trackBulkUsage(organizationId, [item], false);
    return { ...result.items[0], position: result.position };
  }

  async trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], bulk = true): Promise<TrackBulkUsageResult> {
    const usage: UsageItem[] = (Array.isArray(items) ? items : []).map((item) => ({
      ...item,
      quantity: item.quantity ?? 1,
      idempotencyKey: idempotencyKeyFor({ ...item, quantity: item.quantity ?? 1 }, this.ids),
    }));
    const outcome = await this.handler.execute({ type: 'TrackUsage', data: { organizationId, items: usage, ...(bulk && { bulk }) } });
    const byKey = new Map<string, UsageEvent>();
    for (const event of outcome.events) if (isUsageEvent(event)) byKey.set(event.data.idempotencyKey, event);
    const tracked = usage.map((item): TrackedUsage => {
      const event = byKey.get(item.idempotencyKey);
      // A key repeated inside one bulk is counted at its first occurrence only.
      if (event) byKey.delete(item.idempotencyKey);
      if (!event) {
        return { idempotencyKey: item.idempotencyKey, duplicate: true, countedAs: null, billingPeriod: null };
      }
      return {
        idempotencyKey: item.idempotencyKey,
        duplicate: false,
        countedAs: event.type === 'UsageRecorded' ? 'usage' : 'correction',
        billingPeriod: event.data.billingPeriod,
      };
    });
    const duplicates = tracked.filter((item) => item.duplicate).length;
    return { accepted: tracked.length - duplicates, duplicates, items: tracked, position: positionText(outcome.position) };
  }

  async correctUsage(input: CorrectUsageInput): Promise<TrackUsageResult> {
    const idempotencyKey = input.idempotencyKey ?? `cor_${this.ids.newId()}`;
    const outcome = await this.handler.execute({ type: 'CorrectUsage', data: { ...input, idempotencyKey } });
    const event = outcome.events.find((e) => e.type === 'UsageCorrected');
    return {
      idempotencyKey,
      duplicate: event === undefined,
      countedAs: event === undefined ? null : 'correction',
      billingPeriod: event?.type === 'UsageCorrected' ? event.data.billingPeriod : null,
      position: positionText(outcome.position),
    };
  }

  /** Holds quantity against the feature's quota window; 403 quota-exceeded under a hard quota it no longer fits. */
  async reserve(input: ReserveUsageInput): Promise<Reservation> {
    const outcome = await this.handler.execute({ type: 'ReserveUsage', data: { ...input, reservationId: `res_${this.ids.newId()}` } });
    const reserved = outcome.events.find((event): event is UsageReserved => event.type === 'UsageReserved');
    if (reserved) return { ...reservationOf(reserved.data), duplicate: false, position: positionText(outcome.position) };
    // The same idempotency key again: answered by the reservation it made.
    const { state } = await this.handler.ledger(input.organizationId);
    const earlier = state.status === 'active' && input.idempotencyKey !== undefined ? reservationByKey(state.reservations ?? {}, input.idempotencyKey) : undefined;
    if (!earlier) throw new Error(`reservation with key ${input.idempotencyKey} was neither made nor found`);
    return { ...reservationOf(earlier), duplicate: true, position: positionText(outcome.position) };
  }

  /** Records what the reserved work used and lets the reservation go. */
  async commitReservation(input: CommitReservationInput): Promise<CommittedReservation> {
    const outcome = await this.handler.execute({ type: 'CommitReservation', data: input });
    const usage = outcome.events.find(isUsageEvent);
    return {
      reservationId: input.reservationId,
      committedQuantity: input.quantity,
      duplicate: !outcome.events.some((event) => event.type === 'ReservationCommitted'),
      usageKey: reservationUsageKey(input.reservationId),
      billingPeriod: usage?.data.billingPeriod ?? null,
      position: positionText(outcome.position),
    };
  }

  async releaseReservation(organizationId: string, reservationId: string): Promise<ReleasedReservation> {
    const outcome = await this.handler.execute({ type: 'ReleaseReservation', data: { organizationId, reservationId } });
    return { reservationId, changed: outcome.events.some((event) => event.type === 'ReservationReleased'), position: positionText(outcome.position) };
  }

  private write(outcome: { events: readonly OrganizationEvent[]; position: GlobalPosition | null }): WriteResult {
    return { changed: outcome.events.length > 0, position: positionText(outcome.position) };
  }
}
