// Writes a folded batch into the MongoDB read models. Each touched document is
// read by _id, merged with the batch in memory by the same rules that fold
// usage (usage-aggregation.ts), and replaced by _id. A document whose stored
// position already covers the batch is left alone, so a batch delivered again
// (a crash before the checkpoint) counts nothing twice.
//
// Why read-merge-replace instead of guarded $inc: FerretDB v1 on SQLite only
// uses the _id index for a filter that is exactly {_id}, so an update guarded
// by {_id, lastPosition: {$lt: …}} scans the whole collection. Replacing by _id
// is safe because one projector instance writes at a time (checkpoint lease).
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { PositionedEvent, Projection } from '../../application/ports/projection';
import { initialOrganizationState } from '../../domain/organization';
import { EMPTY_WINDOW_TOTAL, mergeTotals, type WindowTotal } from '../../domain/usage-aggregation';
import {
  COLLECTIONS,
  INDEXES,
  READ_MODEL_COLLECTIONS,
  type ClosedPeriodDocument,
  type DailyUsageDocument,
  type OrganizationDocument,
  type UsageWindowDocument,
} from './read-model-documents';
import { foldBatch, type DailyChange, type OrganizationChange, type TrackedOrganization, type WindowChange } from '../usage-batch';

type Document = { _id: string; lastPosition: number };

// Touched documents stay cached between batches (this instance is the only writer);
// past this many the cache starts over rather than grow without bound.
const MAX_CACHED_DOCUMENTS = 200_000;

export class MongoUsageProjection implements Projection {
  readonly name = 'usage';
  private readonly organizations = new Map<string, TrackedOrganization>();
  private readonly cache = new Map<string, Document | null>();

  constructor(private readonly db: Db) {}

  private collection<T extends Document>(name: string): Collection<T> {
    return this.db.collection<T>(name);
  }

  async ensureIndexes(): Promise<void> {
    for (const index of INDEXES) await this.db.collection(index.collection).createIndex(index.keys);
  }

  /** Drops every read model, for a rebuild from the beginning of the log. */
  async reset(): Promise<void> {
    this.forget();
    const existing = new Set((await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of READ_MODEL_COLLECTIONS) if (existing.has(name)) await this.db.collection(name).drop();
    await this.ensureIndexes();
  }

  async apply(events: readonly PositionedEvent[]): Promise<void> {
    try {
      await this.preloadOrganizations(new Set(events.map((e) => e.event.data.organizationId)));
      const batch = foldBatch(events, (id) => this.organizations.get(id) as TrackedOrganization);
      // One collection after another: FerretDB on SQLite serializes writers per database, and
      // concurrent writers only wait on each other's locks (with busy-wait back-off).
      await this.writeOrganizations([...batch.organizations.values()]);
      await this.writeMerged(COLLECTIONS.usageWindows, [...batch.windows.values()], windowDocument);
      await this.writeMerged(COLLECTIONS.dailyUsage, [...batch.days.values()], dailyDocument);
      await this.writeClosedPeriods(batch.closedPeriods);
      if (this.cache.size > MAX_CACHED_DOCUMENTS) this.cache.clear();
    } catch (error) {
      // Memory ran ahead of what was written; start the retry from the stored documents.
      this.forget();
      throw error;
    }
  }

  private forget(): void {
    this.organizations.clear();
    this.cache.clear();
  }

  private async preloadOrganizations(organizationIds: Set<string>): Promise<void> {
    const missing = [...organizationIds].filter((id) => !this.organizations.has(id));
    const stored = await this.load<OrganizationDocument>(COLLECTIONS.organizations, missing);
    for (const id of missing) {
      const document = stored.get(id);
      this.organizations.set(id, document ? { state: document.state, lastPosition: document.lastPosition } : { state: initialOrganizationState(), lastPosition: 0 });
    }
  }

  /** Documents by _id, from the cache or one {_id} lookup each (the form FerretDB serves from its index). */
  private async load<T extends Document>(collectionName: string, ids: readonly string[]): Promise<Map<string, T>> {
    const collection = this.collection<T>(collectionName);
    const found = new Map<string, T>();
    await Promise.all(
      ids.map(async (id) => {
        const key = `${collectionName}|${id}`;
        let document = this.cache.get(key) as T | null | undefined;
        if (document === undefined) document = (await collection.findOne({ _id: id } as never)) as T | null;
        if (document) found.set(id, document);
      }),
    );
    return found;
  }

  private async replaceAll<T extends Document>(collectionName: string, documents: T[]): Promise<void> {
    if (documents.length === 0) return;
    const operations = documents.map((document) => ({
      replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
    })) as unknown as AnyBulkWriteOperation<T>[];
    await this.collection<T>(collectionName).bulkWrite(operations, { ordered: false });
    for (const document of documents) this.cache.set(`${collectionName}|${document._id}`, document);
  }

  private async writeOrganizations(changes: OrganizationChange[]): Promise<void> {
    const stored = await this.load<OrganizationDocument>(COLLECTIONS.organizations, changes.map((c) => c.organizationId));
    const documents = changes.flatMap((change): OrganizationDocument[] => {
      const current = stored.get(change.organizationId);
      if (change.tracked.state.status !== 'active' || (current && current.lastPosition >= change.lastPosition)) return [];
      return [{ _id: change.organizationId, state: change.tracked.state, lastPosition: change.lastPosition }];
    });
    await this.replaceAll(COLLECTIONS.organizations, documents);
  }

  private async writeMerged<C extends WindowChange | DailyChange, T extends Document & { quantity: number }>(
    collectionName: string,
    changes: C[],
    toDocument: (change: C, total: WindowTotal) => T,
  ): Promise<void> {
    const stored = await this.load<T & Partial<{ latestTimestampMs: number | null; events: number; corrections: number }>>(collectionName, changes.map((c) => c.id));
    const documents = changes.flatMap((change) => {
      const current = stored.get(change.id);
      if (current && current.lastPosition >= change.firstPosition) return [];
      const aggregation = 'day' in change ? (change.aggregation === 'sum' ? 'sum' : 'max') : change.aggregation;
      const before: WindowTotal = current
        ? { quantity: current.quantity, latestTimestampMs: current.latestTimestampMs ?? null, events: current.events ?? 0, corrections: current.corrections ?? 0 }
        : EMPTY_WINDOW_TOTAL;
      return [toDocument(change, mergeTotals(aggregation, before, change.total))];
    });
    await this.replaceAll(collectionName, documents);
  }

  private async writeClosedPeriods(documents: ClosedPeriodDocument[]): Promise<void> {
    // Closed periods never change: the first write wins and a replay rewrites the same document.
    await this.replaceAll(COLLECTIONS.closedPeriods, documents);
  }
}

function windowDocument(change: WindowChange, total: WindowTotal): UsageWindowDocument {
  return {
    _id: change.id,
    organizationId: change.organizationId,
    feature: change.feature,
    aggregation: change.aggregation,
    billingPeriodStart: change.billingPeriod.start,
    billingPeriodEnd: change.billingPeriod.end,
    windowStart: change.window.start,
    windowEnd: change.window.end,
    quantity: total.quantity,
    latestTimestampMs: total.latestTimestampMs,
    events: total.events,
    corrections: total.corrections,
    lastPosition: change.lastPosition,
  };
}

function dailyDocument(change: DailyChange, total: WindowTotal): DailyUsageDocument {
  return {
    _id: change.id,
    organizationId: change.organizationId,
    feature: change.feature,
    billingPeriodStart: change.billingPeriodStart,
    day: change.day,
    quantity: total.quantity,
    events: total.events + total.corrections,
    lastPosition: change.lastPosition,
  };
}
