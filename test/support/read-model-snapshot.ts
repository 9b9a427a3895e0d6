// Every read-model document of a database, sorted, for comparing a live
// projection with a rebuild field by field.
import type { Db } from 'mongodb';
import { READ_MODEL_COLLECTIONS } from '../../src/read-side/mongo/read-model-documents';

export async function readModelSnapshot(db: Db): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const name of READ_MODEL_COLLECTIONS) {
    snapshot[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return snapshot;
}
