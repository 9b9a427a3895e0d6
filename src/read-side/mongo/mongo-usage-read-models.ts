// Reads the MongoDB read models for the query handlers (the UsageReadModels
// port): a fixed number of documents by _id per answer, one per billing period
// asked for, whatever else the collections hold.
import type { Db } from 'mongodb';
import type { ClosedPeriodView, ReadModelFreshness, UsageReadModels } from '../../application/ports/usage-read-models';
import type { DailyUsage } from '../../domain/daily-usage';
import { billingPeriodDocumentId, dailyUsageOf } from '../usage-documents';
import { whileReachable } from './mongo-availability';
import { COLLECTIONS, type BillingPeriodDocument, type CheckpointDocument } from './read-model-documents';

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
