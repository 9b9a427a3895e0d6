// WebhookDeliveries for the API process, which must start without Temporal:
// it connects on the first ping or redelivery, and again after a failed
// attempt. Temporal out of reach becomes WebhookDeliveriesUnavailableError (503).
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { WebhookDeliveriesUnavailableError, type WebhookDeliveries, type WebhookDeliveryRequest } from '../../application/webhooks/webhook-deliveries';
import { connectTemporalClient, type TemporalSettings } from '../temporal-connection';
import { TemporalWebhookDeliveries, type TemporalWebhookDeliveriesOptions } from './temporal-webhook-deliveries';

// gRPC status codes meaning "not reachable now" rather than "wrong request".
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function isUnreachable(error: unknown): boolean {
  const grpcError = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpcError) && (grpcError.code === GRPC_UNAVAILABLE || grpcError.code === GRPC_DEADLINE_EXCEEDED);
}

export interface ReconnectingWebhookDeliveriesOptions extends TemporalWebhookDeliveriesOptions {
  readonly temporal: TemporalSettings;
}

export class ReconnectingWebhookDeliveries implements WebhookDeliveries {
  private connecting: Promise<{ client: Client; deliveries: TemporalWebhookDeliveries }> | null = null;

  constructor(private readonly options: ReconnectingWebhookDeliveriesOptions) {}

  async start(request: WebhookDeliveryRequest): Promise<boolean> {
    const { deliveries } = await this.connect();
    try {
      return await deliveries.start(request);
    } catch (error) {
      if (isUnreachable(error)) throw new WebhookDeliveriesUnavailableError('Temporal did not answer in time; try again shortly.', { cause: error });
      throw error;
    }
  }

  async close(): Promise<void> {
    const connected = await this.connecting?.catch(() => null);
    this.connecting = null;
    await connected?.client.connection.close();
  }

  private connect(): Promise<{ client: Client; deliveries: TemporalWebhookDeliveries }> {
    this.connecting ??= connectTemporalClient(this.options.temporal).then(
      (client) => ({ client, deliveries: new TemporalWebhookDeliveries(client, this.options) }),
      (error: unknown) => {
        // Forget the failed attempt, so the next call connects again.
        this.connecting = null;
        throw new WebhookDeliveriesUnavailableError(`Temporal at ${this.options.temporal.address} cannot be reached; try again shortly.`, { cause: error });
      },
    );
    return this.connecting;
  }
}
