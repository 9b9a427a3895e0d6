// Reservations, for work whose size is known only afterwards (an AI
// generation, an export): hold quantity against the feature's quota, then
// commit what the work used or release the hold. Under a hard quota a hold
// that does not fit is a 403 quota-exceeded, like tracking past it.
import { defineRoute, json, type ApiRoute } from '../api-route';
import { organizationPathParams } from '../schemas/common-schemas';
import {
  commitReservationBody,
  committedReservation,
  releasedReservation,
  reservation,
  reservationPathParams,
  reserveUsageBody,
} from '../schemas/reservation-schemas';

export function reservationRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/usage/{orgId}/reservations',
      operationId: 'reserveUsage',
      limitedByHardQuotas: true,
      summary: "Hold quantity against a feature's quota until the work is committed, released or the hold expires",
      tag: 'quotas',
      access: 'organization',
      params: organizationPathParams,
      body: { schema: reserveUsageBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: {
        201: { description: 'Reserved', schema: reservation },
        200: { description: 'The reservation made earlier with the same idempotency key', schema: reservation },
      },
      handle: async ({ params, body }, { commands }) => {
        const made = await commands.reserve({ organizationId: params.orgId, ...body });
        return json(made.duplicate ? 200 : 201, made);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/usage/{orgId}/reservations/{reservationId}/commit',
      operationId: 'commitReservation',
      limitedByHardQuotas: true,
      summary: 'Record what the reserved work used and let the rest of the hold go',
      tag: 'quotas',
      access: 'organization',
      params: reservationPathParams,
      body: { schema: commitReservationBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Committed (duplicate: true when it was already)', schema: committedReservation } },
      handle: async ({ params, body }, { commands }) =>
        json(200, await commands.commitReservation({ organizationId: params.orgId, reservationId: params.reservationId, ...body })),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/usage/{orgId}/reservations/{reservationId}',
      operationId: 'releaseReservation',
      summary: 'Release a reservation without using it',
      tag: 'quotas',
      access: 'organization',
      params: reservationPathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Released (changed: false when it had ended already)', schema: releasedReservation } },
      handle: async ({ params }, { commands }) => json(200, await commands.releaseReservation(params.orgId, params.reservationId)),
    }),
  ];
}
