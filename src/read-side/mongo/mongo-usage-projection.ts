// Writes folded batches into the MongoDB read models. The documents a batch
// touches are read by _id (or taken from this instance's cache), the batch is
// folded into them in memory (usage-documents.ts), and the changed ones are
// replaced by _id.
//
// Why read-fold-replace instead of guarded $inc: FerretDB v1 on SQLite only
// uses the _id index for a filter that is exactly {_id}, so an update guarded
// by {_id, lastPosition: {$lt: …}} scans the whole collection. Replacing by _id
// is safe because one projector instance writes at a time (checkpoint lease).
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { PositionedEvent, Projection } from '../../application/ports/projection';
import { documentsTouchedBy, foldBatch, type BillingPeriodDocument, type OrganizationDocument } from '../usage-documents';
import { COLLECTIONS, READ_MODEL_COLLECTIONS } from './read-model-documents';

type Document = { _id: string };

// Documents stay cached between batches (this instance is the only writer);
// past this many the cache starts over rather than grow without bound.
const MAX_CACHED_DOCUMENTS = 50_000;
// FerretDB v1 stalled on a bulkWrite of 100 upserts; batches fold to few documents, but stay below it.
const WRITES_PER_BULK = 50;

export class MongoUsageProjection implements Projection {
  readonly name = 'usage';
  private readonly cache = new Map<string, Document>();

  constructor(private readonly db: Db) {}

  async ensureIndexes(): Promise<void> {
    // Every read is by _id.
  }

  /** Drops every read model, for a rebuild from the beginning of the log. */
  async reset(): Promise<void> {
    this.cache.clear();
    const existing = new Set((await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of READ_MODEL_COLLECTIONS) if (existing.has(name)) await this.db.collection(name).drop();
  }

  async apply(events: readonly PositionedEvent[]): Promise<void> {
    try {
      const touched = documentsTouchedBy(events);
      const organizations = await this.load<OrganizationDocument>(COLLECTIONS.organizations, touched.organizations);
      const periods = await this.load<BillingPeriodDocument>(COLLECTIONS.billingPeriods, touched.periods);
      const changed = foldBatch(events, organizations, periods);
      // One collection after another: FerretDB on SQLite serializes writers per database.
      await this.replaceAll(COLLECTIONS.organizations, [...changed.organizations].map((id) => organizations.get(id) as OrganizationDocument));
      await this.replaceAll(COLLECTIONS.billingPeriods, [...changed.periods].map((id) => periods.get(id) as BillingPeriodDocument));
      if (this.cache.size > MAX_CACHED_DOCUMENTS) this.cache.clear();
    } catch (error) {
      // Memory ran ahead of what was written; start the retry from the stored documents.
      this.cache.clear();
      throw error;
    }
  }

  /**
   * The documents by _id, from the cache or one {_id} lookup each (the form FerretDB serves from its index).
   * The fold changes them in place; a failed write clears the cache, so nothing stays ahead of the database.
   */
  private async load<T extends Document>(collectionName: string, ids: Set<string>): Promise<Map<string, T>> {
    const collection = this.db.collection<T>(collectionName);
    const found = new Map<string, T>();
    await Promise.all(
      [...ids].map(async (id) => {
        const cached = this.cache.get(`${collectionName}|${id}`) as T | undefined;
        const document = cached ?? ((await collection.findOne({ _id: id } as never)) as T | null);
        if (document) found.set(id, document);
      }),
    );
    return found;
  }

  private async replaceAll<T extends Document>(collectionName: string, documents: T[]): Promise<void> {
    for (let from = 0; from < documents.length; from += WRITES_PER_BULK) {
      const chunk = documents.slice(from, from + WRITES_PER_BULK);
      const operations = chunk.map((document) => ({ replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } })) as unknown as AnyBulkWriteOperation<T>[];
      await this.db.collection<T>(collectionName).bulkWrite(operations, { ordered: false });
    }
    for (const document of documents) this.cache.set(`${collectionName}|${document._id}`, document);
  }
}
