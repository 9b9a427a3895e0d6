// The BillingWorkflows port on Temporal: starts an organization's period
// workflow with signal-with-start (so two callers never start two), signals the
// running workflows for the manual billing jobs, and asks a workflow its status.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { BillingWorkflowsUnavailableError, type BillingJob, type BillingWorkflows } from '../application/ports/billing-workflows';
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
  /**
   * Deadline of every other call to Temporal (start, signal, one page of a
   * listing). Without it a call made after Temporal went away waits for the
   * connection's own timeouts (about 20 s) instead of failing fast.
   */
  readonly callTimeoutMs?: number;
}

/**
 * A query to a workflow whose connection broke can outlive its gRPC deadline by
 * seconds while the client reconnects; the caller gets its answer, or a 503,
 * on time (the call itself ends at its deadline).
 */
async function answerWithin<T>(answer: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return answer;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BillingWorkflowsUnavailableError(`The billing workflow did not answer within ${timeoutMs} ms; try again shortly.`)), timeoutMs);
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
    answer.catch(() => undefined);
  }
}

export class TemporalBillingWorkflows implements BillingWorkflows {
  constructor(
    private readonly client: Client,
    private readonly options: TemporalBillingWorkflowsOptions,
  ) {}

  async ensurePeriodWorkflow(organizationId: string, billingPeriod: IntervalRecord): Promise<void> {
    const input: BillingPeriodWorkflowInput = { organizationId, billingPeriod, ...(this.options.schedule && { schedule: this.options.schedule }) };
    await this.call(() =>
      this.client.workflow.signalWithStart<typeof billingPeriodWorkflow, [IntervalRecord]>(BILLING_PERIOD_WORKFLOW_TYPE, {
        workflowId: billingWorkflowId(organizationId),
        taskQueue: this.options.taskQueue,
        args: [input],
        signal: periodEnsuredSignal,
        signalArgs: [billingPeriod],
      }),
    );
  }

  async runJob(job: BillingJob, organizationId?: string): Promise<{ readonly signalled: number }> {
    if (organizationId !== undefined) {
      return { signalled: (await this.signal(billingWorkflowId(organizationId), (handle) => handle.signal(billingJobSignal, job))) ? 1 : 0 };
    }
    return { signalled: await this.signalAllRunning((workflowId) => this.signal(workflowId, (handle) => handle.signal(billingJobSignal, job))) };
  }

  async status(organizationId: string): Promise<BillingWorkflowStatus | null> {
    try {
      const timeoutMs = this.options.queryTimeoutMs;
      // The call's own deadline a little later than the answer's, so a query that runs out is always told apart the same way.
      const query = this.call(() => this.client.workflow.getHandle(billingWorkflowId(organizationId)).query(billingStatusQuery), timeoutMs === undefined ? undefined : timeoutMs + 1_000);
      return await answerWithin(query, timeoutMs);
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
    const executions = this.client.workflow.list({ query })[Symbol.asyncIterator]();
    for (;;) {
      // Each page is one call, with its own deadline.
      const next = await this.call(() => executions.next());
      if (next.done) return;
      yield next.value.workflowId;
    }
  }

  /** A call to Temporal within its deadline (none when not configured). */
  private call<T>(send: () => Promise<T>, timeoutMs = this.options.callTimeoutMs): Promise<T> {
    return timeoutMs === undefined ? send() : this.client.withDeadline(Date.now() + timeoutMs, send);
  }

  private async signal(workflowId: string, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<boolean> {
    try {
      await this.call(() => send(this.client.workflow.getHandle(workflowId)));
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
