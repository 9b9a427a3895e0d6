// Request and answer schemas of the reservation routes.
import { z } from 'zod';
import type { CommittedReservation, ReleasedReservation, Reservation } from '../../../application/usage/usage-commands';
import { MAX_RESERVATION_SECONDS } from '../../../domain/reservations';
import { MAX_PERIOD_QUANTITY } from '../../../domain/usage-bounds';
import { answerSchema } from './answer-schema';
import { billingPeriod, featureKey, idempotencyKey, organizationId, text } from './common-schemas';
import { usageMetadata } from './usage-schemas';

export const reservationPathParams = z.strictObject({
  orgId: organizationId,
  reservationId: z
    .string()
    .regex(/^res_[A-Za-z0-9-]{1,64}$/, 'must be a reservation id returned when it was made')
    .meta({ example: 'res_0b9c7a52-4d1e-4f3a-9d57-6c1b2e8f0a11' }),
});

export const reserveUsageBody = z
  .strictObject({
    feature: featureKey,
    quantity: z.number().int().min(1).max(MAX_PERIOD_QUANTITY).meta({ description: 'Units to hold', example: 2_000 }),
    expiresInSeconds: z.number().int().min(1).max(MAX_RESERVATION_SECONDS).meta({ description: `How long the hold lasts (at most ${MAX_RESERVATION_SECONDS} s)`, example: 300 }),
    idempotencyKey: idempotencyKey.optional().meta({ description: 'Asking again with the same key answers the same reservation' }),
  })
  .meta({ id: 'ReserveUsageRequest', example: { feature: 'AI_CLASSIFICATION', quantity: 20, expiresInSeconds: 300, idempotencyKey: 'classify-batch-17' } });

export const reservation = answerSchema<Reservation>()(
  z
    .object({
      reservationId: z.string(),
      feature: z.string(),
      quantity: z.number(),
      expiresAt: z.string(),
      windowStart: z.string(),
      windowEnd: z.string(),
      duplicate: z.boolean().meta({ description: 'True when this answers an earlier request with the same idempotency key' }),
      position: z.string().nullable(),
    })
    .meta({ id: 'Reservation' }),
);

export const commitReservationBody = z
  .strictObject({
    quantity: z.number().int().min(0).max(MAX_PERIOD_QUANTITY).meta({ description: 'What the work used: less or more than reserved (more is refused under a hard quota it no longer fits)', example: 14 }),
    userId: text(1, 200).optional(),
    metadata: usageMetadata.optional(),
  })
  .meta({ id: 'CommitReservationRequest', example: { quantity: 14, metadata: { model: 'classifier-v2' } } });

export const committedReservation = answerSchema<CommittedReservation>()(
  z
    .object({
      reservationId: z.string(),
      committedQuantity: z.number(),
      duplicate: z.boolean(),
      usageKey: z.string(),
      billingPeriod: billingPeriod.nullable(),
      position: z.string().nullable(),
    })
    .meta({ id: 'CommittedReservation' }),
);

export const releasedReservation = answerSchema<ReleasedReservation>()(
  z.object({ reservationId: z.string(), changed: z.boolean(), position: z.string().nullable() }).meta({ id: 'ReleasedReservation' }),
);
