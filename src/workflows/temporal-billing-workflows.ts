// The BillingWorkflows port on Temporal: starts an organization's period
// workflow with signal-with-start (so two callers never start two), signals the
// running workflows for the manual billing jobs, and asks a workflow its status.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BillingJob, BillingWorkflows } from '../application/ports/billing-workflows';
import type { IntervalRecord } from '../domain/events';
import {
  BILLING_PERIOD_WORKFLOW_TYPE,
  billingJobSignal,
  billingStatusQuery,
  billingWorkflowId,
  closeNowSignal,
  periodEnsuredSignal,
  quotaChangedSignal,
  type BillingWorkflowStatus,
} from './billing-period-messages';
import type { BillingPeriodWorkflowInput, BillingSchedule } from './billing-period-types';
import type { billingPeriodWorkflow } from './billing-period-workflow';

export interface TemporalBillingWorkflowsOptions {
  readonly taskQueue: string;
  /** Given to workflows this adapter starts; running workflows keep theirs. */
  readonly schedule?: BillingSchedule;
  /** Signals sent at once when a job goes to every organization. */
  readonly signalConcurrency?: number;
  /**
   * How long a status query may wait for a worker to answer; a workflow whose
   * worker is down would otherwise hold the caller for the server's default (30 s).
   */
  readonly queryTimeoutMs?: number;
}

export class TemporalBillingWorkflows implements BillingWorkflows {
  constructor(
    private readonly client: Client,
    private readonly options: TemporalBillingWorkflowsOptions,
  ) {}

  async ensurePeriodWorkflow(organizationId: string, billingPeriod: IntervalRecord): Promise<void> {
    const input: BillingPeriodWorkflowInput = { organizationId, billingPeriod, ...(this.options.schedule && { schedule: this.options.schedule }) };
    await this.client.workflow.signalWithStart<typeof billingPeriodWorkflow, [IntervalRecord]>(BILLING_PERIOD_WORKFLOW_TYPE, {
      workflowId: billingWorkflowId(organizationId),
      taskQueue: this.options.taskQueue,
      args: [input],
      signal: periodEnsuredSignal,
      signalArgs: [billingPeriod],
    });
  }

  async runJob(job: BillingJob, organizationId?: string): Promise<{ readonly signalled: number }> {
    if (organizationId !== undefined) {
      return { signalled: (await this.signal(billingWorkflowId(organizationId), (handle) => handle.signal(billingJobSignal, job))) ? 1 : 0 };
    }
    return { signalled: await this.signalAllRunning((workflowId) => this.signal(workflowId, (handle) => handle.signal(billingJobSignal, job))) };
  }

  async status(organizationId: string): Promise<BillingWorkflowStatus | null> {
    try {
      const query = () => this.client.workflow.getHandle(billingWorkflowId(organizationId)).query(billingStatusQuery);
      return await (this.options.queryTimeoutMs === undefined ? query() : this.client.withDeadline(Date.now() + this.options.queryTimeoutMs, query));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** An operator closes the organization's open period now (CloseBillingPeriod with early: true). */
  async closePeriodNow(organizationId: string): Promise<boolean> {
    return this.signal(billingWorkflowId(organizationId), (handle) => handle.signal(closeNowSignal));
  }

  /** Quotas or settings changed: the workflow records fresh totals and re-reads its close time and Stripe mode. */
  async notifyQuotaChanged(organizationId: string): Promise<boolean> {
    return this.signal(billingWorkflowId(organizationId), (handle) => handle.signal(quotaChangedSignal));
  }

  /** The ids of the running period workflows on this task queue (visibility is eventually consistent). */
  async *runningWorkflowIds(): AsyncGenerator<string> {
    const query = `WorkflowType = '${BILLING_PERIOD_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.options.taskQueue.replace(/'/g, "\\'")}'`;
    for await (const execution of this.client.workflow.list({ query })) yield execution.workflowId;
  }

  private async signal(workflowId: string, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<boolean> {
    try {
      await send(this.client.workflow.getHandle(workflowId));
      return true;
    } catch (error) {
      // Not running: nothing to signal, which the caller sees in the count.
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  private async signalAllRunning(send: (workflowId: string) => Promise<boolean>): Promise<number> {
    const concurrency = this.options.signalConcurrency ?? 32;
    const inFlight = new Set<Promise<void>>();
    let signalled = 0;
    for await (const workflowId of this.runningWorkflowIds()) {
      const sending: Promise<void> = send(workflowId).then((sent) => {
        if (sent) signalled += 1;
      });
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending)).catch(() => undefined);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return signalled;
  }
}
