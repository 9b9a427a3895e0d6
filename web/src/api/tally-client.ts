// The console's one HTTP client: openapi-fetch typed by the generated `paths`,
// so every path, parameter, body and answer is checked against the API's own
// document at build time. The key goes in the Authorization header only.
import createClient from 'openapi-fetch';
import { ApiProblem, problemFrom } from './api-problem';
import type { paths } from './tally-api';

export type TallyClient = ReturnType<typeof createClient<paths>>;

export function tallyClient(apiKey: string): TallyClient {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${apiKey}`);
      return request;
    },
  });
  return client;
}

interface FetchOutcome<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The answer of a call, or an ApiProblem saying why there is none. */
export async function answerOf<T>(call: Promise<FetchOutcome<T>>): Promise<T> {
  let outcome: FetchOutcome<T>;
  try {
    outcome = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, null);
  }
  if (!outcome.response.ok || outcome.data === undefined) throw problemFrom(outcome.response, outcome.error);
  return outcome.data;
}
