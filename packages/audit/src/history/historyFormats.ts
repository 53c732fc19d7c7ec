/**
 * The timeline and the state summary in the three formats `history` writes:
 * text (aligned columns, for people), jsonl (one object a line) and csv
 * (RFC 4180: a header row, fields quoted when they hold a comma, a quote or a
 * line break, quotes doubled, CRLF between records).
 */
import type { UserStateSummary } from './userStateAsOf.ts';

export const HISTORY_FORMATS = ['text', 'jsonl', 'csv'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export interface TimelineEntry {
  position: number;
  /** metadata.occurredAt: the time the chain vouches for. */
  occurredAt: string;
  type: string;
  clientId: string;
  correlationId: string;
  /** What changed, in words. */
  change: string;
  /** The data as the auditor may see it (jsonl only). */
  data: Record<string, unknown>;
}

const TIMELINE_COLUMNS = ['position', 'occurredAt', 'type', 'clientId', 'correlationId', 'change'] as const;
const TIMELINE_HEADINGS = ['position', 'time', 'event', 'client', 'correlation id', 'what changed'];

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csv = (rows: string[][]) => rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');

/** Columns padded to their widest cell; the last one left as it is. */
function aligned(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .map((line) => `${line.trimEnd()}\n`)
    .join('');
}

/** Text values stay on one line in the aligned format: a line break would read as another event. */
const oneLine = (value: string) => value.replace(/[\r\n\u2028\u2029]+/g, ' ');

export function formatTimeline(entries: TimelineEntry[], format: HistoryFormat): string {
  if (format === 'jsonl') return entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
  const rows = entries.map((entry) => TIMELINE_COLUMNS.map((column) => String(entry[column])));
  if (format === 'csv') return csv([[...TIMELINE_COLUMNS], ...rows]);
  return aligned([TIMELINE_HEADINGS, ...rows.map((row) => row.map(oneLine))]);
}

const summaryValue = (value: unknown) =>
  Array.isArray(value) ? value.join('; ') : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);

export function formatState(summary: UserStateSummary, format: HistoryFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(summary)}\n`;
  const rows = Object.entries(summary).map(([field, value]) => [field, summaryValue(value)]);
  if (format === 'csv') return csv([['field', 'value'], ...rows]);
  return aligned(rows.map(([field, value]) => [`${field}:`, oneLine(value!)]));
}
