// Builds what the table preview webview shows: the schema, per-column histograms and stats, and pages
// of formatted rows. Pure: the host reads the file, this turns the Table into small serialisable data.
import type { Column, Table } from '../data/table/table';
import { missingCount } from '../data/table/table';
import { MedSynthError } from '../errors';
import type { ColumnHistogram, ColumnPreview, ColumnStats, TablePreviewModel } from './model';
import { MAX_PREVIEW_PAGE } from './model';
import { formatCell, formatDatetime, formatNumber } from './cellFormat';

export interface TablePreviewOptions {
  readonly title?: string;
  /** Equal-width bins for numeric and datetime columns. */
  readonly bins?: number;
  /** Categories shown before the rest are folded into "other". */
  readonly topCategories?: number;
  readonly pageSize?: number;
}

const DEFAULT_BINS = 20;
const DEFAULT_TOP = 8;
const DEFAULT_PAGE = 200;

export function buildTablePreview(table: Table, opts: TablePreviewOptions = {}): TablePreviewModel {
  const pageSize = Math.min(Math.max(1, Math.floor(opts.pageSize ?? DEFAULT_PAGE)), MAX_PREVIEW_PAGE);
  const file = table.provenance?.file;
  return {
    title: opts.title ?? (file ? (file.split(/[\\/]/).pop() ?? file) : 'Table'),
    ...(file !== undefined ? { file } : {}),
    ...(table.provenance?.format !== undefined ? { format: table.provenance.format } : {}),
    notes: [...(table.provenance?.notes ?? [])],
    rowCount: table.rowCount,
    columns: table.columns.map((c) => previewColumn(c, table.rowCount, opts)),
    pageSize,
    firstRows: tableRows(table, 0, pageSize),
  };
}

/** One page of formatted rows; a range past the end is clipped, a negative or fractional one is refused. */
export function tableRows(table: Table, offset: number, count: number): string[][] {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 0) {
    throw new MedSynthError('BAD_USAGE', `row range must be non-negative integers, got offset ${offset}, count ${count}`);
  }
  const end = Math.min(table.rowCount, offset + count);
  const rows: string[][] = [];
  for (let r = offset; r < end; r++) rows.push(table.columns.map((c) => formatCell(c, r)));
  return rows;
}

function previewColumn(column: Column, rows: number, opts: TablePreviewOptions): ColumnPreview {
  const base = { name: column.name, kind: column.kind, missing: missingCount(column) };
  switch (column.kind) {
    case 'numeric':
    case 'datetime': {
      const present = presentValues(column.values);
      const fmt = column.kind === 'numeric' ? formatNumber : (v: number): string => formatDatetime(v, column.precision, column.format);
      return {
        ...base,
        distinct: new Set(present).size,
        stats: numericStats(present, fmt, column.kind === 'numeric'),
        histogram: binValues(present, opts.bins ?? DEFAULT_BINS, fmt),
      };
    }
    case 'categorical':
    case 'boolean': {
      const counts = new Array<number>(column.categories.length).fill(0);
      for (let i = 0; i < rows; i++) if (column.codes[i] >= 0) counts[column.codes[i]]++;
      return {
        ...base,
        distinct: counts.filter((n) => n > 0).length,
        stats: {},
        // Booleans are labelled as the source spelled them (no/yes), as the grid shows them.
        histogram: topCategories(
          column.kind === 'boolean' && column.labels !== undefined ? column.labels : column.categories,
          counts,
          opts.topCategories ?? DEFAULT_TOP,
        ),
      };
    }
    case 'identifier':
    case 'text': {
      const distinct = new Set(column.values.filter((v) => v !== null)).size;
      return { ...base, distinct, stats: {}, histogram: { type: 'none' } };
    }
  }
}

function presentValues(values: Float64Array): number[] {
  const out: number[] = [];
  for (const v of values) if (!Number.isNaN(v)) out.push(v);
  return out;
}

function numericStats(present: readonly number[], fmt: (v: number) => string, withMean: boolean): ColumnStats {
  if (present.length === 0) return {};
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of present) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min: fmt(min), max: fmt(max), ...(withMean ? { mean: sum / present.length } : {}) };
}

/** Equal-width bins from min to max; the last bin is closed so that the maximum is counted. */
export function binValues(present: readonly number[], bins: number, fmt: (v: number) => string): ColumnHistogram {
  if (present.length === 0) return { type: 'none' };
  let min = Infinity;
  let max = -Infinity;
  for (const v of present) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A constant column gets a single bin rather than many empty ones.
  const n = max > min ? Math.max(1, Math.floor(bins)) : 1;
  const width = n === 1 ? 0 : (max - min) / n;
  const edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? max : min + i * width));
  const counts = new Array<number>(n).fill(0);
  const norm = width === 0 ? 0 : n / (max - min);
  for (const v of present) {
    let i = Math.min(n - 1, Math.floor((v - min) * norm));
    // Rounding can put a value that sits on an edge one bin off; the edges themselves decide, so that a
    // value equal to an edge always opens the bin that starts there (numpy.histogram does the same).
    if (i > 0 && v < edges[i]) i--;
    else if (i < n - 1 && v >= edges[i + 1]) i++;
    counts[i]++;
  }
  const labels = counts.map((_, i) => `${fmt(edges[i])} – ${fmt(edges[i + 1])}`);
  return { type: 'bins', edges, counts, labels };
}

/** The most frequent categories, largest first (ties in first-seen order), the rest summed as other. */
export function topCategories(categories: readonly string[], counts: readonly number[], top: number): ColumnHistogram {
  const order = counts
    .map((_, i) => i)
    .filter((i) => counts[i] > 0)
    .sort((a, b) => counts[b] - counts[a] || a - b);
  if (order.length === 0) return { type: 'none' };
  const kept = order.slice(0, Math.max(1, top));
  const otherCount = order.slice(kept.length).reduce((s, i) => s + counts[i], 0);
  return { type: 'categories', labels: kept.map((i) => categories[i]), counts: kept.map((i) => counts[i]), otherCount };
}
