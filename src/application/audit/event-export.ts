// Streams an organization's raw events as NDJSON or CSV, page by page, with
// their positions, idempotency keys and duplicate flags; memory stays flat
// however long the log is, because each page is written before the next is read.
import { eventTime } from '../../domain/event-time';
import { organizationHistory, type HistoryEntry } from '../event-log/organization-history';
import type { EventStore } from '../ports/event-store';

export type ExportFormat = 'ndjson' | 'csv';

export interface ExportRange {
  readonly from?: Date;
  readonly to?: Date;
}

/** Writes one chunk and resolves when the destination can take more. */
export type ChunkWriter = (chunk: string) => Promise<void>;

export const CSV_COLUMNS = ['position', 'revision', 'type', 'time', 'organizationId', 'feature', 'quantity', 'idempotencyKey', 'duplicate', 'billingPeriodStart'] as const;

function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(entry: HistoryEntry): Record<(typeof CSV_COLUMNS)[number], unknown> {
  const data = entry.event.data as Record<string, unknown>;
  const period = data.billingPeriod as { start?: string } | undefined;
  return {
    position: entry.recorded.position.toString(),
    revision: entry.recorded.revision.toString(),
    type: entry.event.type,
    time: eventTime(entry.event),
    organizationId: data.organizationId,
    feature: data.feature,
    quantity: data.quantity,
    idempotencyKey: data.idempotencyKey,
    duplicate: entry.event.type === 'UsageDuplicateIgnored',
    billingPeriodStart: period?.start,
  };
}

export async function exportEvents(store: EventStore, organizationId: string, format: ExportFormat, range: ExportRange, write: ChunkWriter): Promise<number> {
  let exported = 0;
  let buffer = format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '';
  for await (const page of organizationHistory(store, organizationId)) {
    for (const entry of page) {
      const time = Date.parse(eventTime(entry.event));
      if (range.from && time < range.from.getTime()) continue;
      if (range.to && time >= range.to.getTime()) continue;
      const fields = row(entry);
      buffer +=
        format === 'csv'
          ? `${CSV_COLUMNS.map((column) => csvField(fields[column])).join(',')}\n`
          : `${JSON.stringify({ ...fields, data: entry.event.data, metadata: entry.recorded.metadata })}\n`;
      exported += 1;
      if (buffer.length > 16 * 1024) {
        await write(buffer);
        buffer = '';
      }
    }
  }
  if (buffer.length > 0) await write(buffer);
  return exported;
}
