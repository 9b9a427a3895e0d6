// How usage events combine into a quota window's quantity, per the feature's
// aggregation. The same functions serve live projections, replays and audits,
// so the three can never disagree about what a window holds.
import type { Aggregation } from './catalogue';
import type { UsageEvent } from './events';

export interface WindowTotal {
  readonly quantity: number;
  /** Timestamp (epoch ms) of the reading that set a 'latest' quantity; ties go to the later-recorded event. */
  readonly latestTimestampMs: number | null;
  readonly events: number;
  readonly corrections: number;
}

export const EMPTY_WINDOW_TOTAL: WindowTotal = Object.freeze({ quantity: 0, latestTimestampMs: null, events: 0, corrections: 0 });

export interface UsageReading {
  readonly quantity: number;
  readonly timestampMs: number;
  readonly correction: boolean;
}

export function readingOf(event: UsageEvent): UsageReading {
  return { quantity: event.data.quantity, timestampMs: Date.parse(event.data.timestamp), correction: event.type === 'UsageCorrected' };
}

export function applyReading(aggregation: Aggregation, total: WindowTotal, reading: UsageReading): WindowTotal {
  // Literal objects, not spreads: this runs for every event folded (ledger, projections, audits).
  const events = total.events + (reading.correction ? 0 : 1);
  const corrections = total.corrections + (reading.correction ? 1 : 0);
  switch (aggregation) {
    case 'sum':
      return { events, corrections, quantity: total.quantity + reading.quantity, latestTimestampMs: total.latestTimestampMs };
    case 'max':
      return {
        events,
        corrections,
        quantity: total.events + total.corrections === 0 ? reading.quantity : Math.max(total.quantity, reading.quantity),
        latestTimestampMs: total.latestTimestampMs,
      };
    case 'latest': {
      const newer = total.latestTimestampMs === null || reading.timestampMs >= total.latestTimestampMs;
      return newer
        ? { events, corrections, quantity: reading.quantity, latestTimestampMs: reading.timestampMs }
        : { events, corrections, quantity: total.quantity, latestTimestampMs: total.latestTimestampMs };
    }
  }
}

/**
 * Combines two totals of the same window (e.g. the parts recorded in two billing
 * periods of a quarterly window). `later` holds the events recorded after `earlier`'s.
 */
export function mergeTotals(aggregation: Aggregation, earlier: WindowTotal, later: WindowTotal): WindowTotal {
  if (later.events + later.corrections === 0) return earlier;
  if (earlier.events + earlier.corrections === 0) return later;
  const counts = { events: earlier.events + later.events, corrections: earlier.corrections + later.corrections };
  switch (aggregation) {
    case 'sum':
      return { ...counts, quantity: earlier.quantity + later.quantity, latestTimestampMs: null };
    case 'max':
      return { ...counts, quantity: Math.max(earlier.quantity, later.quantity), latestTimestampMs: null };
    case 'latest': {
      const laterWins = (later.latestTimestampMs ?? -Infinity) >= (earlier.latestTimestampMs ?? -Infinity);
      const winner = laterWins ? later : earlier;
      return { ...counts, quantity: winner.quantity, latestTimestampMs: winner.latestTimestampMs };
    }
  }
}
