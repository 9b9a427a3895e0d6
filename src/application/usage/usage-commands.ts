// The write side as callers see it, by name:
// configureOrganization, configureQuota, trackUsage, trackBulkUsage, plus
// custom features, quota removal and operator corrections.
import type { ConfigureOrganization, ConfigureQuota, CorrectUsage, DefineCustomFeature, UsageItem } from '../../domain/commands';
import { isUsageEvent, type IntervalRecord, type OrganizationEvent, type UsageEvent } from '../../domain/events';
import { idempotencyKeyFor } from './idempotency-keys';
import type { OrganizationCommandHandler } from '../organization/organization-command-handler';
import type { IdGenerator } from '../ports/clock';
import type { GlobalPosition } from '../ports/event-store';

/** One usage item as callers send it: quantity defaults to 1, the idempotency key may be derived. */
export type TrackUsageInput = { readonly organizationId: string } & Omit<UsageItem, 'quantity' | 'idempotencyKey'> & {
  /** Defaults to 1. */
  readonly quantity?: number;
  readonly idempotencyKey?: string;
};

export type BulkUsageItem = Omit<TrackUsageInput, 'organizationId'>;

export interface TrackedUsage {
  readonly idempotencyKey: string;
  /** True when the key was accepted before: acknowledged, not counted again. */
  readonly duplicate: boolean;
  /** 'usage' counts where it happened; 'correction' arrived after its period closed and counts in the open one. */
  readonly countedAs: 'usage' | 'correction' | null;
  readonly billingPeriod: IntervalRecord | null;
}

export interface TrackUsageResult extends TrackedUsage {
  /** Pass to a query's `waitForPosition` to read this write. */
  readonly position: string | null;
}

export interface TrackBulkUsageResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly items: readonly TrackedUsage[];
  readonly position: string | null;
}

export type ConfigureQuotaInput = ConfigureQuota['data'];

export type ConfigureOrganizationInput = ConfigureOrganization['data'];

export type DefineCustomFeatureInput = DefineCustomFeature['data'];

/** An operator correction; without an idempotency key it gets a fresh one. */
export type CorrectUsageInput = Omit<CorrectUsage['data'], 'idempotencyKey'> & { readonly idempotencyKey?: string };

export interface WriteResult {
  /** False when the command changed nothing (the same configuration again). */
  readonly changed: boolean;
  readonly position: string | null;
}

const positionText = (position: GlobalPosition | null): string | null => (position === null ? null : position.toString());

export class UsageCommands {
  constructor(
    private readonly handler: OrganizationCommandHandler,
    private readonly ids: IdGenerator,
  ) {}

  async configureOrganization(input: ConfigureOrganizationInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'ConfigureOrganization', data: input }));
  }

  async defineCustomFeature(input: DefineCustomFeatureInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'DefineCustomFeature', data: input }));
  }

  async configureQuota(input: ConfigureQuotaInput): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'ConfigureQuota', data: input }));
  }

  async removeQuota(organizationId: string, feature: string): Promise<WriteResult> {
    return this.write(await this.handler.execute({ type: 'RemoveQuota', data: { organizationId, feature } }));
  }

  async trackUsage(input: TrackUsageInput): Promise<TrackUsageResult> {
    const { organizationId, ...item } = input;
    const result = await this.trackBulkUsage(organizationId, [item], false);
    return { ...result.items[0], position: result.position };
  }

  async trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], bulk = true): Promise<TrackBulkUsageResult> {
    const usage: UsageItem[] = (Array.isArray(items) ? items : []).map((item) => ({
      ...item,
      quantity: item.quantity ?? 1,
      idempotencyKey: idempotencyKeyFor({ ...item, quantity: item.quantity ?? 1 }, this.ids),
    }));
    const outcome = await this.handler.execute({ type: 'TrackUsage', data: { organizationId, items: usage, ...(bulk && { bulk }) } });
    const byKey = new Map<string, UsageEvent>();
    for (const event of outcome.events) if (isUsageEvent(event)) byKey.set(event.data.idempotencyKey, event);
    const tracked = usage.map((item): TrackedUsage => {
      const event = byKey.get(item.idempotencyKey);
      // A key repeated inside one bulk is counted at its first occurrence only.
      if (event) byKey.delete(item.idempotencyKey);
      if (!event) {
        return { idempotencyKey: item.idempotencyKey, duplicate: true, countedAs: null, billingPeriod: null };
      }
      return {
        idempotencyKey: item.idempotencyKey,
        duplicate: false,
        countedAs: event.type === 'UsageRecorded' ? 'usage' : 'correction',
        billingPeriod: event.data.billingPeriod,
      };
    });
    const duplicates = tracked.filter((item) => item.duplicate).length;
    return { accepted: tracked.length - duplicates, duplicates, items: tracked, position: positionText(outcome.position) };
  }

  async correctUsage(input: CorrectUsageInput): Promise<TrackUsageResult> {
    const idempotencyKey = input.idempotencyKey ?? `cor_${this.ids.newId()}`;
    const outcome = await this.handler.execute({ type: 'CorrectUsage', data: { ...input, idempotencyKey } });
    const event = outcome.events.find((e) => e.type === 'UsageCorrected');
    return {
      idempotencyKey,
      duplicate: event === undefined,
      countedAs: event === undefined ? null : 'correction',
      billingPeriod: event?.type === 'UsageCorrected' ? event.data.billingPeriod : null,
      position: positionText(outcome.position),
    };
  }

  private write(outcome: { events: readonly OrganizationEvent[]; position: GlobalPosition | null }): WriteResult {
    return { changed: outcome.events.length > 0, position: positionText(outcome.position) };
  }
}
