// `tally jobs <job> [--org ORG]`: the manual billing jobs (aggregate-all,
// report-all, retry-failed, generate-invoice-items) as signals to the running
// period workflows, of one organization or of all. Also the operator's
// `tally close-period` and `tally billing-status`.
import type { Client } from '@temporalio/client';
import { BILLING_JOBS, type BillingJob } from '../../application/ports/billing-workflows';
import { readEnvironment, temporalSettings } from '../../infrastructure/config/environment';
import { connectTemporalClient } from '../../workflows/temporal-connection';
import { TemporalBillingWorkflows } from '../../workflows/temporal-billing-workflows';

async function withWorkflows<T>(use: (workflows: TemporalBillingWorkflows) => Promise<T>): Promise<T> {
  const config = readEnvironment(temporalSettings);
  const client: Client = await connectTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  try {
    return await use(new TemporalBillingWorkflows(client, { taskQueue: config.TEMPORAL_TASK_QUEUE }));
  } finally {
    await client.connection.close();
  }
}

function isBillingJob(job: string): job is BillingJob {
  return (BILLING_JOBS as readonly string[]).includes(job);
}

export async function runBillingJob(job: string, options: { org?: string }): Promise<void> {
  if (!isBillingJob(job)) throw new Error(`job must be one of ${BILLING_JOBS.join(', ')}, got "${job}"`);
  const { signalled } = await withWorkflows((workflows) => workflows.runJob(job, options.org));
  const scope = options.org === undefined ? `running period workflow${signalled === 1 ? '' : 's'}` : `period workflow of ${options.org}`;
  process.stdout.write(`${job}: signalled ${signalled} ${scope}\n`);
  // Asked for one organization that has no running workflow: say so in the exit status too.
  if (options.org !== undefined && signalled === 0) process.exitCode = 1;
}

export async function runClosePeriod(options: { org: string }): Promise<void> {
  const signalled = await withWorkflows((workflows) => workflows.closePeriodNow(options.org));
  process.stdout.write(signalled ? `close-period: ${options.org} closes its open period now\n` : `close-period: ${options.org} has no running period workflow\n`);
  if (!signalled) process.exitCode = 1;
}

export async function runBillingStatus(options: { org: string }): Promise<void> {
  const status = await withWorkflows((workflows) => workflows.status(options.org));
  if (!status) {
    process.stdout.write(`${options.org} has no billing-period workflow\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
}
