// How current the numbers are: Tally's read models lag the event log by the
// projector's delay, and every answer says by how much. The console shows it
// next to the numbers, with when it last asked.
import type { Freshness } from '../api/tally-api';
import { formatAge, formatDateTime } from '../format/dates';

export function FreshnessNote({ freshness, loadedAt, timeZone }: { freshness: Freshness; loadedAt: Date | undefined; timeZone: string }) {
  return (
    <p class="freshness" data-position={freshness.position ?? ''}>
      <span>
        Read models include the event log up to position <strong>{freshness.position ?? 'none yet'}</strong>
      </span>
      {freshness.caughtUpAt !== null && freshness.ageMs !== null && (
        <span>
          ; the projector was last at the head of the log {formatAge(freshness.ageMs)} before this answer ({formatDateTime(freshness.caughtUpAt, timeZone)})
        </span>
      )}
      {!freshness.includesRequestedPosition && <span>; the requested write is not included yet</span>}
      <span>.</span>
      {loadedAt && <span> Refreshed {formatDateTime(loadedAt.toISOString(), timeZone)}.</span>}
    </p>
  );
}
