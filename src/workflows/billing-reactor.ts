// The reactor that gives every organization its billing-period workflow: it
// follows the event log (with its own checkpoint, 'billing-reactor') and, when
// an organization is configured or usage arrives in a period it has not seen
// for that organization, ensures the period's workflow with signal-with-start.
// Quota and settings changes are passed on so the workflow re-reads them.
// Everything it sends is idempotent, so a batch redelivered after a crash is harmless.
import type { BillingWorkflows } from '../application/ports/billing-workflows';
import type { IntervalRecord } from '../domain/events';
import { billingPeriodAt } from '../domain/periods';
import { toIntervalRecord } from '../domain/periods';
import { inParallel } from '../application/in-parallel';
import type { PositionedEvent, Projection } from '../application/ports/projection';

export const BILLING_REACTOR_NAME = 'billing-reactor';

/** What the reactor asks of the workflows: the port's ensure, and a nudge when quotas change. */
export interface BillingReactorTarget extends Pick<BillingWorkflows, 'ensurePeriodWorkflow'> {
  notifyQuotaChanged(organizationId: string): Promise<unknown>;
}

export interface BillingReactorOptions {
  /** Workflows started or signalled at once. */
  readonly concurrency?: number;
}

export class BillingReactor implements Projection {
  readonly name = BILLING_REACTOR_NAME;
  /** Per organization, the start (epoch ms) of the latest period whose workflow was ensured. */
  private readonly ensured = new Map<string, number>();
  private readonly concurrency: number;

  constructor(
    private readonly workflows: BillingReactorTarget,
    options: BillingReactorOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 16;
  }

  async ensureIndexes(): Promise<void> {
    // Nothing is stored but the checkpoint.
  }

  async reset(): Promise<void> {
    this.ensured.clear();
  }

  async apply(events: readonly PositionedEvent[]): Promise<void> {
    // Per organization, the latest period seen in the batch, and whether its settings or quotas changed.
    const periods = new Map<string, IntervalRecord>();
    const changed = new Set<string>();
    for (const { event } of events) {
      const organizationId = event.data.organizationId;
      switch (event.type) {
        case 'OrganizationConfigured':
          this.notice(periods, organizationId, toIntervalRecord(billingPeriodAt(new Date(event.data.configuredAt), event.data)));
          changed.add(organizationId);
          break;
        case 'UsageRecorded':
        case 'UsageCorrected':
          this.notice(periods, organizationId, event.data.billingPeriod);
          break;
        case 'QuotaConfigured':
        case 'QuotaRemoved':
          changed.add(organizationId);
          break;
        default:
          break;
      }
    }
    const toEnsure = [...periods].filter(([organizationId, period]) => Date.parse(period.start) > (this.ensured.get(organizationId) ?? Number.NEGATIVE_INFINITY));
    await inParallel(toEnsure, this.concurrency, async ([organizationId, period]) => {
      await this.workflows.ensurePeriodWorkflow(organizationId, period);
      this.ensured.set(organizationId, Math.max(Date.parse(period.start), this.ensured.get(organizationId) ?? Number.NEGATIVE_INFINITY));
    });
    // Told even when the workflow was started just now: it costs one aggregation, and a workflow
    // the reactor did not start (before a restart) is never left with stale quotas.
    await inParallel([...changed], this.concurrency, async (organizationId) => {
      await this.workflows.notifyQuotaChanged(organizationId);
    });
  }

  private notice(periods: Map<string, IntervalRecord>, organizationId: string, period: IntervalRecord): void {
    const seen = periods.get(organizationId);
    if (!seen || Date.parse(period.start) > Date.parse(seen.start)) periods.set(organizationId, period);
  }
}
