// Every read-model document of a database, sorted, for comparing a live
// projection with a rebuild field by field; and small helpers to look into
// (or damage on purpose) the billing-period documents.
import type { Db } from 'mongodb';
import { COLLECTIONS, READ_MODEL_COLLECTIONS } from '../../src/read-side/mongo/read-model-documents';
import { billingPeriodDocumentId, type BillingPeriodDocument } from '../../src/read-side/usage-documents';

export async function readModelSnapshot(db: Db): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const name of READ_MODEL_COLLECTIONS) {
    snapshot[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return snapshot;
}

export interface DailyEntry {
  readonly organizationId: string;
  readonly feature: string;
  readonly day: string;
  readonly quantity: number;
}

/** Every feature's every day in every billing-period document of a snapshot. */
export function dailyEntries(snapshot: Record<string, unknown[]>): DailyEntry[] {
  return (snapshot[COLLECTIONS.billingPeriods] as BillingPeriodDocument[]).flatMap((document) =>
    Object.entries(document.usage).flatMap(([feature, days]) =>
      Object.entries(days).map(([day, total]) => ({ organizationId: document.organizationId, feature, day, quantity: total.quantity })),
    ),
  );
}

/** Adds `delta` to a feature's first recorded day in one billing-period document, as a damaged read model would hold it. */
export async function tamperWithUsage(db: Db, organizationId: string, billingPeriodStart: string, feature: string, delta: number): Promise<void> {
  const periods = db.collection<BillingPeriodDocument>(COLLECTIONS.billingPeriods);
  const id = billingPeriodDocumentId(organizationId, billingPeriodStart);
  const document = await periods.findOne({ _id: id });
  const day = Object.keys(document?.usage[feature] ?? {}).sort()[0];
  if (!day) throw new Error(`no ${feature} usage in ${id}`);
  await periods.updateOne({ _id: id }, { $inc: { [`usage.${feature}.${day}.quantity`]: delta } });
}
