// The MongoDB collections of the read side: one per document kind of
// usage-documents.ts, and the projectors' checkpoints. There are no secondary
// indexes: every read is by _id, the one filter FerretDB v1 answers from its
// index, and the one MongoDB answers fastest.
export { type BillingPeriodDocument, type OrganizationDocument } from '../usage-documents';

export const COLLECTIONS = {
  organizations: 'organizations',
  billingPeriods: 'billing_periods',
  checkpoints: 'projection_checkpoints',
} as const;

/** The read-model collections a rebuild drops (checkpoints are reset separately). */
export const READ_MODEL_COLLECTIONS = [COLLECTIONS.organizations, COLLECTIONS.billingPeriods] as const;

export interface CheckpointDocument {
  _id: string;
  /** Global position of the last event applied; null before the first. */
  position: string | null;
  /** Incremented on every save: two projector instances cannot both advance it. */
  version: number;
  /** When the projector last found itself at the head of the log (wall clock). */
  caughtUpAt: string | null;
  /** The projector instance that may write, until its lease expires. */
  owner?: string | null;
  leaseExpiresAt?: string | null;
  /** Set while a rebuild replays from the beginning, so an interrupted one resumes instead of restarting. */
  rebuilding?: boolean;
}
