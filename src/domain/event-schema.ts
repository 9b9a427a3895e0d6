// Schema versions of the organization events. Every stored event carries the
// version it was written with; reading goes through `upcast`, so old events
// keep replaying after a shape changes (add a case here, never rewrite the log).
import { isOrganizationEventType, type OrganizationEvent } from './events';

export const CURRENT_SCHEMA_VERSION = 1;

export class UnsupportedSchemaVersionError extends Error {
  override readonly name = 'UnsupportedSchemaVersionError';
}

/** The event as the current code knows it, or null for a type this stream never had. */
export function upcast(type: string, data: Record<string, unknown>, schemaVersion: unknown): OrganizationEvent | null {
  if (!isOrganizationEventType(type)) return null;
  const version = schemaVersion ?? 1;
  if (version !== CURRENT_SCHEMA_VERSION) {
    throw new UnsupportedSchemaVersionError(`${type} has schema version ${String(version)}; this build reads version ${CURRENT_SCHEMA_VERSION}`);
  }
  return { type, data } as OrganizationEvent;
}
