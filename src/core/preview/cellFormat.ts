// How one table cell reads in the preview. The same text shows in the grid and in histogram labels,
// so a datetime or a float looks identical wherever the user meets it.
import { compileDatetimeFormat } from '../data/table/datetimeFormat';
import type { Column } from '../data/table/table';

/** Formats a number compactly: integers as is, others to 6 significant digits without trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

/**
 * Formats epoch milliseconds in the column's source spelling (`format`, e.g. 'DD-Mon-YY') when it has
 * one, so the preview shows dates as the file writes them; otherwise as ISO text, a whole date without
 * its time part.
 */
export function formatDatetime(ms: number, precision: 'date' | 'datetime', format?: string): string {
  if (!Number.isFinite(ms)) return '';
  const compiled = format === undefined ? undefined : compileDatetimeFormat(format);
  if (compiled) return compiled.format(ms);
  const iso = new Date(ms).toISOString();
  return precision === 'date' ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** The text of one cell; a missing value is the empty string (the webview marks it). */
export function formatCell(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row];
      return Number.isNaN(v) ? '' : formatNumber(v);
    }
    case 'datetime':
      return formatDatetime(column.values[row], column.precision, column.format);
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      // A boolean reads as the source spelled it (no/yes), as the writers write it.
      const labels = column.kind === 'boolean' && column.labels !== undefined ? column.labels : column.categories;
      return code < 0 ? '' : (labels[code] ?? '');
    }
    case 'identifier':
    case 'text':
      return column.values[row] ?? '';
  }
}
