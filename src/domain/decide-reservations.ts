// Decisions about reservations: hold quantity for work whose size is known
// only afterwards, commit what the work used, or release the hold. A
// reservation holds quantity in the quota window in force when it is made; it
// counts against a hard quota until committed, released or expired. Expiry is
// read from the clock at decision time, so no job is needed to end a
// reservation; the next reservation decision logs the expiries it notices.
import type { CommitReservation, ReleaseReservation, ReserveUsage } from './commands';
import type { DecisionContext } from './decide';
import { DomainError, validationError } from './domain-error';
import type { OrganizationEvent, ReservationExpired, UsageReserved } from './events';
import { effectiveQuota, type ActiveOrganization } from './organization';
import { quotaWindowAt, toIntervalRecord } from './periods';
import { HardQuotaGuard, QuotaExceededError } from './quota-enforcement';
import { isHolding, MAX_RESERVATION_SECONDS, reservationByKey, type ReservationState } from './reservations';
import { PeriodQuantityGuard } from './usage-bounds';
import { sameUsage } from './usage-identity';
import { usageEventFor } from './usage-placement';
import { requireFeature, validateIdempotencyKey, validateQuantity, validateUsageDetails } from './usage-validation';

/** The usage key a reservation's commit is recorded under, so a repeated commit is a duplicate, never counted twice. */
export const reservationUsageKey = (reservationId: string): string => `reservation:${reservationId}`;

/** Open reservations whose time ran out, logged when a decision notices them. */
function expiries(state: ActiveOrganization, now: Date, except?: string): ReservationExpired[] {
  return Object.values(state.reservations ?? {})
    .filter((reservation) => reservation.outcome === 'open' && !isHolding(reservation, now) && reservation.reservationId !== except)
    .map((reservation) => ({
      type: 'ReservationExpired',
      data: {
        organizationId: state.organizationId,
        reservationId: reservation.reservationId,
        feature: reservation.feature,
        quantity: reservation.quantity,
        expiresAt: reservation.expiresAt,
        noticedAt: now.toISOString(),
      },
    }));
}

function requireReservation(state: ActiveOrganization, reservationId: string): ReservationState {
  const reservation = (state.reservations ?? {})[reservationId];
  if (!reservation) throw new DomainError('not_found', `organization ${state.organizationId} has no reservation ${JSON.stringify(reservationId)} (ended ones are kept for a day)`, 'reservationId');
  return reservation;
}

export function reserveUsage(command: ReserveUsage, state: ActiveOrganization, context: DecisionContext): OrganizationEvent[] {
  const { organizationId, reservationId, quantity, expiresInSeconds, idempotencyKey } = command.data;
  const now = context.now;
  const feature = requireFeature(state, command.data.feature, 'feature');
  if (feature.aggregation !== 'sum') {
    throw validationError('feature', `${feature.key} records ${feature.aggregation} readings; reservations hold quantities of features that add up`);
  }
  validateQuantity(quantity, feature, 'quantity');
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_RESERVATION_SECONDS) {
    throw validationError('expiresInSeconds', `expiresInSeconds must be a whole number from 1 to ${MAX_RESERVATION_SECONDS}`);
  }
  if (idempotencyKey !== undefined) {
    validateIdempotencyKey(idempotencyKey, 'idempotencyKey');
    const earlier = reservationByKey(state.reservations ?? {}, idempotencyKey);
    if (earlier) {
      // The same reservation asked for again: answered by the one it made.
      if (earlier.feature === feature.key && earlier.quantity === quantity) return [];
      throw new DomainError('conflict', `idempotency key ${JSON.stringify(idempotencyKey)} was already used for reservation ${earlier.reservationId} of ${earlier.quantity} ${earlier.feature}`, 'idempotencyKey');
    }
  }
  const window = quotaWindowAt(now, effectiveQuota(state, feature).resetPeriod, state.settings);
  if (effectiveQuota(state, feature).enforcement === 'hard') {
    const refusal = new HardQuotaGuard(state, context.recorded, now).admit(feature, window, quantity, 'quantity');
    if (refusal) throw new QuotaExceededError([refusal]);
  }
  const reserved: UsageReserved = {
    type: 'UsageReserved',
    data: {
      organizationId,
      reservationId,
      feature: feature.key,
      quantity,
      window: toIntervalRecord(window),
      idempotencyKey: idempotencyKey ?? null,
      reservedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expiresInSeconds * 1_000).toISOString(),
    },
  };
  return [...expiries(state, now), reserved];
}

export function commitReservation(command: CommitReservation, state: ActiveOrganization, context: DecisionContext): OrganizationEvent[] {
  const { organizationId, reservationId, quantity, userId, metadata } = command.data;
  const now = context.now;
  const reservation = requireReservation(state, reservationId);
  const feature = requireFeature(state, reservation.feature, 'feature');
  if (quantity !== 0) validateQuantity(quantity, feature, 'quantity');
  validateUsageDetails({ userId, metadata }, '');
  const usageKey = reservationUsageKey(reservationId);
  if (reservation.outcome === 'committed') {
    if (reservation.committedQuantity === quantity) return [];
    throw new DomainError('conflict', `reservation ${reservationId} was already committed with ${reservation.committedQuantity}`, 'quantity');
  }
  if (reservation.outcome === 'released') throw new DomainError('conflict', `reservation ${reservationId} was released`, 'reservationId');
  const known = context.knownUsage(usageKey);
  if (known) {
    if (sameUsage(known, { feature: feature.key, quantity })) return [];
    throw new DomainError('conflict', `reservation ${reservationId} was already committed with ${known.quantity}`, 'quantity');
  }
  const events: OrganizationEvent[] = expiries(state, now, reservationId);
  if (quantity > 0) {
    const usage = usageEventFor(state, organizationId, feature, { quantity, idempotencyKey: usageKey, userId, metadata }, now, now);
    new PeriodQuantityGuard(context.recorded, state.settings.timeZone).admit(usage, 'quantity');
    // What it used must fit without its own hold, which the commit lets go; more than reserved is refused when it no longer fits.
    const quotas = new HardQuotaGuard(state, context.recorded, now);
    const window = quotas.windowOf(usage, feature);
    const refusal = window && quotas.admit(feature, window, quantity, 'quantity', reservationId);
    if (refusal) throw new QuotaExceededError([refusal]);
    events.push(usage);
  }
  events.push({
    type: 'ReservationCommitted',
    data: { organizationId, reservationId, feature: feature.key, reservedQuantity: reservation.quantity, committedQuantity: quantity, usageKey, committedAt: now.toISOString() },
  });
  return events;
}

export function releaseReservation(command: ReleaseReservation, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { organizationId, reservationId } = command.data;
  const reservation = requireReservation(state, reservationId);
  if (reservation.outcome === 'committed') throw new DomainError('conflict', `reservation ${reservationId} was committed; there is nothing to release`, 'reservationId');
  // Released or expired already: releasing again changes nothing.
  if (reservation.outcome !== 'open') return [];
  return [
    ...expiries(state, now, reservationId),
    { type: 'ReservationReleased', data: { organizationId, reservationId, feature: reservation.feature, quantity: reservation.quantity, releasedAt: now.toISOString() } },
  ];
}
