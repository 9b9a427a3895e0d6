// An API problem as a message: what went wrong, in the API's own words, and
// when to try again if it said so. Announced to screen readers as an alert.
import type { ApiProblem } from '../api/api-problem';

export function ProblemAlert({ problem, context }: { problem: ApiProblem; context?: string }) {
  const retry = problem.retryAfterSeconds === null ? '' : ` Try again in ${problem.retryAfterSeconds} s.`;
  return (
    <div class="problem" role="alert">
      {context && <strong>{context}: </strong>}
      {problem.message}
      {retry}
    </div>
  );
}
