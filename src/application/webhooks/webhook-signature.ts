// How a delivery is signed, the way Stripe signs its webhooks: the header
// `Tally-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
// keyed with the endpoint's secret. The timestamp is inside the signed text,
// so a receiver that checks its age refuses a captured delivery replayed later.
// Receivers check it with verifyWebhookSignature from @tally/sdk.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Tally-Signature';

export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
