// The port that makes one delivery attempt: POST a body to a URL within a
// time limit and say what came back. It never throws for what the receiver or
// the network did (that is the answer: a status, or an error), and it refuses
// to connect where the address policy forbids. Implemented on node:http
// (infrastructure/webhooks); the tests use the same adapter against receivers
// on loopback.
export interface WebhookPost {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface WebhookAnswer {
  /** Null when no answer came: timeout, connection error, refused address. */
  readonly statusCode: number | null;
  /** From the start of the attempt to the answer's headers (or to the failure). */
  readonly latencyMs: number;
  /** The start of the answer's body, at most RESPONSE_EXCERPT_CHARS characters; the rest is never read. */
  readonly responseExcerpt: string | null;
  readonly error: string | null;
}

export interface WebhookSender {
  post(request: WebhookPost): Promise<WebhookAnswer>;
}

export const isAccepted = (answer: WebhookAnswer): boolean => answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
