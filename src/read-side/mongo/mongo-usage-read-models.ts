// Reads the MongoDB read models for the query handlers (the UsageReadModels port).
import type { Db } from 'mongodb';
import { whileReachable } from './mongo-availability';
import type { ClosedPeriodView, DailyUsageView, ReadModelFreshness, UsageReadModels } from '../../application/ports/usage-read-models';
import type { IntervalRecord } from '../../domain/events';
import type { ActiveOrganization } from '../../domain/organization';
import type { WindowUsage } from '../../domain/period-statement';
import {
  COLLECTIONS,
  usageWindowId,
  type CheckpointDocument,
  type ClosedPeriodDocument,
  type DailyUsageDocument,
  type OrganizationDocument,
  type UsageWindowDocument,
} from './read-model-documents';

function toWindowUsage(document: UsageWindowDocument): WindowUsage {
  return {
    feature: document.feature,
    billingPeriod: { start: document.billingPeriodStart, end: document.billingPeriodEnd },
    window: { start: document.windowStart, end: document.windowEnd },
    total: { quantity: document.quantity, latestTimestampMs: document.latestTimestampMs, events: document.events, corrections: document.corrections },
  };
}

export class MongoUsageReadModels implements UsageReadModels {
  constructor(
    private readonly db: Db,
    private readonly projectionName = 'usage',
  ) {}

  async organization(organizationId: string): Promise<ActiveOrganization | null> {
    return whileReachable(async () => {
      const document = await this.db.collection<OrganizationDocument>(COLLECTIONS.organizations).findOne({ _id: organizationId });
      return document?.state ?? null;
    });
  }

  async windowUsage(organizationId: string, period: IntervalRecord): Promise<WindowUsage[]> {
    return whileReachable(async () => {
      const windows = this.db.collection<UsageWindowDocument>(COLLECTIONS.usageWindows);
      const inPeriod = await windows.find({ organizationId, billingPeriodStart: period.start }).toArray();
      // Windows longer than a period (QUARTERLY, YEARLY) also need what earlier periods put in them.
      const spanning = inPeriod.filter((d) => d.windowStart < period.start);
      const earlier = spanning.length === 0 ? [] : await windows.find({ organizationId, windowStart: { $in: [...new Set(spanning.map((d) => d.windowStart))] }, billingPeriodStart: { $lt: period.start } }).toArray();
      return [...inPeriod, ...earlier].map(toWindowUsage);
    });
  }

  async windowParts(organizationId: string, feature: string, windowStart: string, billingPeriodStarts: readonly string[]): Promise<WindowUsage[]> {
    return whileReachable(async () => {
      // By _id, not by field filter: FerretDB v1 on SQLite uses its index only for an exact _id, so this stays
      // one indexed read per part however many windows the collection holds (MongoDB answers it the same way).
      const windows = this.db.collection<UsageWindowDocument>(COLLECTIONS.usageWindows);
      const documents = await Promise.all(billingPeriodStarts.map((periodStart) => windows.findOne({ _id: usageWindowId(organizationId, feature, periodStart, windowStart) })));
      return documents.filter((document) => document !== null).map(toWindowUsage);
    });
  }

  async dailyUsage(organizationId: string, period: IntervalRecord): Promise<DailyUsageView[]> {
    return whileReachable(async () => {
      const documents = await this.db.collection<DailyUsageDocument>(COLLECTIONS.dailyUsage).find({ organizationId, billingPeriodStart: period.start }).toArray();
      return documents.map((d) => ({ feature: d.feature, day: d.day, quantity: d.quantity }));
    });
  }

  async closedPeriods(organizationId: string, limit: number): Promise<ClosedPeriodView[]> {
    return whileReachable(async () => {
      const documents = await this.db
        .collection<ClosedPeriodDocument>(COLLECTIONS.closedPeriods)
        .find({ organizationId })
        .sort({ 'billingPeriod.start': -1 })
        .limit(limit)
        .toArray();
      return documents.map((d) => ({ billingPeriod: d.billingPeriod, closedAt: d.closedAt, features: d.features }));
    });
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
