// Reads the MongoDB read models for the query handlers (the UsageReadModels
// port): a fixed number of documents by _id per answer, one per billing period
// asked for, whatever else the collections hold.
import type { Db, Filter } from 'mongodb';
import type { ClosedPeriodView, OrganizationListing, OrganizationSearch, ReadModelFreshness, UsageReadModels } from '../../application/ports/usage-read-models';
import type { DailyUsage } from '../../domain/daily-usage';
import { billingPeriodDocumentId, dailyUsageOf } from '../usage-documents';
import { whileReachable } from './mongo-availability';
import { COLLECTIONS, type BillingPeriodDocument, type CheckpointDocument } from './read-model-documents';
import type { OrganizationDocument } from '../usage-documents';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class MongoUsageReadModels implements UsageReadModels {
  constructor(
    private readonly db: Db,
    private readonly projectionName = 'usage',
  ) {}

  private periodDocuments(organizationId: string, billingPeriodStarts: readonly string[]): Promise<BillingPeriodDocument[]> {
    return whileReachable(async () => {
      const periods = this.db.collection<BillingPeriodDocument>(COLLECTIONS.billingPeriods);
      const documents = await Promise.all([...new Set(billingPeriodStarts)].map((start) => periods.findOne({ _id: billingPeriodDocumentId(organizationId, start) })));
      return documents.filter((document): document is BillingPeriodDocument => document !== null);
    });
  }

  // A list is the one read not by _id: an admin's page of organizations, a bounded scan of one collection.
  async organizations(search: OrganizationSearch): Promise<OrganizationListing[]> {
    return whileReachable(async () => {
      const containing = search.containing ? { $regex: escapeRegExp(search.containing), $options: 'i' } : undefined;
      const filter: Filter<OrganizationDocument> = {
        ...(search.after !== undefined && { _id: { $gt: search.after } }),
        ...(containing && { $or: [{ _id: containing }, { 'state.settings.name': containing }] }),
      };
      const documents = await this.db
        .collection<OrganizationDocument>(COLLECTIONS.organizations)
        .find(filter, { projection: { _id: 1, 'state.status': 1, 'state.settings.name': 1 } })
        .sort({ _id: 1 })
        .limit(search.limit)
        .toArray();
      return documents.map((document) => ({ organizationId: document._id, name: document.state.status === 'active' ? document.state.settings.name : document._id }));
    });
  }

  async dailyUsage(organizationId: string, billingPeriodStarts: readonly string[]): Promise<DailyUsage[]> {
    return (await this.periodDocuments(organizationId, billingPeriodStarts)).flatMap(dailyUsageOf);
  }

  async closedPeriods(organizationId: string, billingPeriodStarts: readonly string[]): Promise<ClosedPeriodView[]> {
    return (await this.periodDocuments(organizationId, billingPeriodStarts)).flatMap((document) =>
      document.closed ? [{ billingPeriod: document.billingPeriod, closedAt: document.closed.closedAt, features: document.closed.features }] : [],
    );
  }

  async freshness(): Promise<ReadModelFreshness> {
    return whileReachable(async () => {
      const checkpoint = await this.db.collection<CheckpointDocument>(COLLECTIONS.checkpoints).findOne({ _id: this.projectionName });
      return { position: checkpoint?.position ?? null, caughtUpAt: checkpoint?.caughtUpAt ? new Date(checkpoint.caughtUpAt) : null };
    });
  }

  async ping(): Promise<void> {
    await whileReachable(() => this.db.command({ ping: 1 }));
  }
}
