// The BillingWorkflows port for a long-running process that must not depend on
// Temporal to start: the API connects on first use, and again after a failed
// attempt, so an API started while Temporal is down recovers on its own.
// Failures to reach Temporal become BillingWorkflowsUnavailableError (503).
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { BillingWorkflowsUnavailableError, type BillingJob, type BillingPeriodStatus, type BillingWorkflows } from '../application/ports/billing-workflows';
import type { IntervalRecord } from '../domain/events';
import { connectTemporalClient, type TemporalSettings } from './temporal-connection';
import { TemporalBillingWorkflows, type TemporalBillingWorkflowsOptions } from './temporal-billing-workflows';

// gRPC status codes meaning "not reachable now" rather than "wrong request".
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function isUnreachable(error: unknown): boolean {
  const grpcError = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpcError) && (grpcError.code === GRPC_UNAVAILABLE || grpcError.code === GRPC_DEADLINE_EXCEEDED);
}

export interface ReconnectingBillingWorkflowsOptions extends TemporalBillingWorkflowsOptions {
  readonly temporal: TemporalSettings;
}

export class ReconnectingBillingWorkflows implements BillingWorkflows {
  private connecting: Promise<{ client: Client; workflows: TemporalBillingWorkflows }> | null = null;

  constructor(private readonly options: ReconnectingBillingWorkflowsOptions) {}

  ensurePeriodWorkflow(organizationId: string, billingPeriod: IntervalRecord): Promise<void> {
    return this.use((workflows) => workflows.ensurePeriodWorkflow(organizationId, billingPeriod));
  }

  runJob(job: BillingJob, organizationId?: string): Promise<{ readonly signalled: number }> {
    return this.use((workflows) => workflows.runJob(job, organizationId));
  }

  status(organizationId: string): Promise<BillingPeriodStatus | null> {
    return this.use((workflows) => workflows.status(organizationId));
  }

  async close(): Promise<void> {
    const connected = await this.connecting?.catch(() => null);
    this.connecting = null;
    await connected?.client.connection.close();
  }

  private async use<T>(call: (workflows: TemporalBillingWorkflows) => Promise<T>): Promise<T> {
    const { workflows } = await this.connect();
    try {
      return await call(workflows);
    } catch (error) {
      if (isUnreachable(error)) {
        throw new BillingWorkflowsUnavailableError('The billing workflows did not answer in time (is Temporal up and a `tally worker` running?); try again shortly.', { cause: error });
      }
      throw error;
    }
  }

  private connect(): Promise<{ client: Client; workflows: TemporalBillingWorkflows }> {
    this.connecting ??= connectTemporalClient(this.options.temporal).then(
      (client) => ({ client, workflows: new TemporalBillingWorkflows(client, this.options) }),
      (error: unknown) => {
        // Forget the failed attempt, so the next call connects again.
        this.connecting = null;
        throw new BillingWorkflowsUnavailableError(`The billing workflows (Temporal at ${this.options.temporal.address}) cannot be reached; try again shortly.`, { cause: error });
      },
    );
    return this.connecting;
  }
}
