// Reservations as the organization's state holds them: open ones hold
// quantity against a hard quota's window until committed, released or
// expired; ended ones are remembered for a day, so a repeated create, commit
// or release within it answers the same thing instead of acting twice.
import type { IntervalRecord, ReservationCommitted, ReservationExpired, ReservationReleased, UsageReserved } from './events';

export type ReservationOutcome = 'open' | 'committed' | 'released' | 'expired';

export interface ReservationState {
  readonly reservationId: string;
  readonly feature: string;
  readonly quantity: number;
  readonly window: IntervalRecord;
  readonly idempotencyKey: string | null;
  readonly expiresAt: string;
  readonly outcome: ReservationOutcome;
  /** When it ended (the event's time); null while open. */
  readonly endedAt: string | null;
  readonly committedQuantity: number | null;
  readonly usageKey: string | null;
}

export type Reservations = Readonly<Record<string, ReservationState>>;

/** How long an ended reservation is remembered for repeats. */
export const ENDED_RESERVATIONS_KEPT_MS = 24 * 60 * 60_000;

/** The longest hold a reservation may ask for. */
export const MAX_RESERVATION_SECONDS = 24 * 60 * 60;

/** Open and not expired at `now`: what holds quantity against a quota. */
export function isHolding(reservation: ReservationState, now: Date): boolean {
  return reservation.outcome === 'open' && Date.parse(reservation.expiresAt) > now.getTime();
}

/** The quantity open reservations of `feature` hold in the window starting at `windowStart`, at `now`. */
export function reservedIn(reservations: Reservations, feature: string, windowStart: string, now: Date, except?: string): number {
  let held = 0;
  for (const reservation of Object.values(reservations)) {
    if (reservation.feature === feature && reservation.window.start === windowStart && reservation.reservationId !== except && isHolding(reservation, now)) held += reservation.quantity;
  }
  return held;
}

export function reservationByKey(reservations: Reservations, idempotencyKey: string): ReservationState | undefined {
  return Object.values(reservations).find((reservation) => reservation.idempotencyKey === idempotencyKey);
}

type ReservationEvent = UsageReserved | ReservationCommitted | ReservationReleased | ReservationExpired;

/** The reservations after one of their events, forgetting those that ended more than a day before it. */
export function evolveReservations(reservations: Reservations, event: ReservationEvent, eventTime: string): Reservations {
  const next: Record<string, ReservationState> = {};
  const horizon = Date.parse(eventTime) - ENDED_RESERVATIONS_KEPT_MS;
  for (const [id, reservation] of Object.entries(reservations)) {
    if (reservation.endedAt === null || Date.parse(reservation.endedAt) >= horizon) next[id] = reservation;
  }
  const id = event.data.reservationId;
  switch (event.type) {
    case 'UsageReserved': {
      const { reservationId, feature, quantity, window, idempotencyKey, expiresAt } = event.data;
      next[id] = { reservationId, feature, quantity, window, idempotencyKey, expiresAt, outcome: 'open', endedAt: null, committedQuantity: null, usageKey: null };
      break;
    }
    case 'ReservationCommitted':
      if (next[id]) next[id] = { ...next[id], outcome: 'committed', endedAt: eventTime, committedQuantity: event.data.committedQuantity, usageKey: event.data.usageKey };
      break;
    case 'ReservationReleased':
      if (next[id]) next[id] = { ...next[id], outcome: 'released', endedAt: eventTime };
      break;
    case 'ReservationExpired':
      if (next[id]) next[id] = { ...next[id], outcome: 'expired', endedAt: eventTime };
      break;
  }
  return next;
}
