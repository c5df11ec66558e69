// Builds the report model from the tables and metric results. Distributions are pre-binned here so
// the HTML export and the report webview never need the raw rows (which may hold patient data).
import type { Column, Table } from '../data/table/table';
import { getTableMetric } from '../metrics/registry';
import type { MetricDescriptor, MetricResult } from '../metrics/types';
import type { ColumnComparison, CorrelationMatrices, Histogram, Report, ReportMetric, TableSource } from './model';
import { formatNumber } from './charts';
import { correlationMatrices } from './correlationMatrix';

export interface ReportGenerator {
  readonly name: string;
  readonly family: string;
  readonly seed?: number;
  readonly executionProvider?: string;
  readonly manifestSha256?: string;
}

export interface BuildReportOptions {
  readonly holdout?: Table;
  readonly generator?: ReportGenerator;
  readonly createdAt?: string;
  /** The full loop's run id, recorded in the report. */
  readonly runId?: string;
  /** The MedSynth version, passed in by the engine (core reads no files). */
  readonly medsynthVersion?: string;
  /** Descriptor lookup; defaults to the table metric registry. */
  readonly describe?: (id: string) => MetricDescriptor | undefined;
  /** Bins for numeric and datetime columns. */
  readonly bins?: number;
  /** Categories shown per column before the rest are pooled as "(other)". */
  readonly maxCategories?: number;
  /**
   * The heatmaps, when the caller computed them already (correlationMatricesYielding, so a cancel can
   * land meanwhile); null when they do not apply. Computed here when absent.
   */
  readonly correlations?: CorrelationMatrices | null;
}

const DCR_ID = 'privacy.dcr';

export function buildReport(real: Table, synth: Table, results: readonly MetricResult[], opts: BuildReportOptions = {}): Report {
  const describe = opts.describe ?? getTableMetric;
  const metrics: ReportMetric[] = results.map((r) => ({ ...r, descriptor: describeMetric(r.id, describe) }));
  const columns: ColumnComparison[] = [];
  for (const col of real.columns) {
    const other = synth.columns.find((c) => c.name === col.name);
    const cmp = compareColumn(col, other, real.rowCount, synth.rowCount, opts.bins ?? 20, opts.maxCategories ?? 12);
    if (cmp) columns.push(cmp);
  }
  const correlations = opts.correlations === undefined ? correlationMatrices(real, synth) : (opts.correlations ?? undefined);
  const source = (t: Table): TableSource => {
    const notes = t.provenance?.notes;
    return { file: t.provenance?.file, rows: t.rowCount, sha256: t.provenance?.sha256, ...(notes && notes.length > 0 ? { notes } : {}) };
  };
  return {
    schema: 'medsynth.report/1',
    modality: 'table',
    createdAt: opts.createdAt ?? new Date().toISOString(),
    ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
    ...(opts.medsynthVersion !== undefined ? { medsynthVersion: opts.medsynthVersion } : {}),
    real: source(real),
    synth: source(synth),
    ...(opts.holdout ? { holdout: source(opts.holdout) } : {}),
    ...(opts.generator ? { generator: opts.generator } : {}),
    metrics,
    columns,
    ...dcrHistogram(results),
    ...(correlations ? { correlations } : {}),
  };
}

function describeMetric(id: string, describe: (id: string) => MetricDescriptor | undefined): MetricDescriptor {
  const d = describe(id);
  if (d) return { id: d.id, title: d.title, modality: d.modality, goal: d.goal, range: d.range, doc: d.doc, reference: d.reference };
  return {
    id,
    title: id,
    modality: 'table',
    goal: 'maximize',
    range: [0, 1],
    doc: 'No description is registered for this metric.',
    reference: '',
  };
}

export function dcrHistogram(results: readonly MetricResult[]): { dcrHistogram?: Histogram } {
  const details = results.find((r) => r.id === DCR_ID)?.details;
  const h = details?.histogram as Partial<Histogram> | undefined;
  if (!h || !Array.isArray(h.edges) || !Array.isArray(h.counts) || h.edges.length !== h.counts.length + 1) return {};
  // With a holdout, privacy.dcr bins the holdout rows' distances to the training rows on the same edges.
  const holdout = details?.holdoutHistogram as Partial<Histogram> | undefined;
  const holdoutCounts =
    holdout && Array.isArray(holdout.counts) && holdout.counts.length === h.counts.length ? holdout.counts.map(Number) : undefined;
  return { dcrHistogram: { edges: h.edges.map(Number), counts: h.counts.map(Number), ...(holdoutCounts ? { holdoutCounts } : {}) } };
}

/** Identifier and free-text columns are regenerated or not modelled, so they are not compared. */
export function compareColumn(
  real: Column,
  synth: Column | undefined,
  realRows: number,
  synthRows: number,
  bins: number,
  maxCategories: number,
): ColumnComparison | undefined {
  switch (real.kind) {
    case 'numeric':
    case 'datetime': {
      const s = synth && (synth.kind === 'numeric' || synth.kind === 'datetime') ? synth.values : new Float64Array(0);
      return binNumbers(real.name, real.kind, real.values, s, bins, realRows, synthRows);
    }
    case 'categorical':
    case 'boolean': {
      const s = synth && (synth.kind === 'categorical' || synth.kind === 'boolean') ? synth : undefined;
      return binCategories(
        real.name,
        real.kind,
        real.codes,
        real.categories,
        s?.codes ?? new Int32Array(0),
        s?.categories ?? [],
        maxCategories,
        realRows,
        synthRows,
      );
    }
    default:
      return undefined;
  }
}

function present(values: Float64Array): number[] {
  const out: number[] = [];
  for (const v of values) if (!Number.isNaN(v)) out.push(v);
  return out;
}

function binNumbers(
  name: string,
  kind: 'numeric' | 'datetime',
  real: Float64Array,
  synth: Float64Array,
  bins: number,
  realRows: number,
  synthRows: number,
): ColumnComparison {
  const r = present(real);
  const s = present(synth);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r.length > 0 ? r : s) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const n = Number.isFinite(lo) && hi > lo ? bins : 1;
  const width = n > 1 ? (hi - lo) / n : 1;
  // Synthetic values outside the real range fall into the end bins, so nothing is silently dropped.
  const count = (vals: number[]): number[] => {
    const c = new Array<number>(n).fill(0);
    for (const v of vals) c[Math.min(n - 1, Math.max(0, Math.floor((v - lo) / width)))] += 1;
    return c.map((x) => (vals.length > 0 ? x / vals.length : 0));
  };
  const label = (v: number): string => (kind === 'datetime' ? new Date(v).toISOString().slice(0, 10) : formatNumber(v));
  const labels = Number.isFinite(lo)
    ? Array.from({ length: n }, (_, i) => (n > 1 ? `${label(lo + i * width)}–${label(lo + (i + 1) * width)}` : label(lo)))
    : ['(none)'];
  const edges = Number.isFinite(lo) && n > 1 ? Array.from({ length: n + 1 }, (_, i) => (i === n ? hi : lo + i * width)) : undefined;
  return {
    name,
    kind,
    bins: labels,
    real: count(r),
    synth: count(s),
    missingReal: fraction(realRows - r.length, realRows),
    missingSynth: fraction(synthRows - s.length, synthRows),
    ...(edges ? { edges } : {}),
  };
}

function binCategories(
  name: string,
  kind: 'categorical' | 'boolean',
  realCodes: Int32Array,
  realCats: readonly string[],
  synthCodes: Int32Array,
  synthCats: readonly string[],
  maxCategories: number,
  realRows: number,
  synthRows: number,
): ColumnComparison {
  const freq = (codes: Int32Array, cats: readonly string[]): { counts: Map<string, number>; present: number } => {
    const counts = new Map<string, number>();
    let presentRows = 0;
    for (const c of codes) {
      if (c < 0) continue;
      presentRows++;
      const label = cats[c] ?? String(c);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return { counts, present: presentRows };
  };
  const r = freq(realCodes, realCats);
  const s = freq(synthCodes, synthCats);
  const ranked = [...r.counts.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  const shown = ranked.length > maxCategories ? ranked.slice(0, maxCategories - 1) : ranked;
  const pooled = ranked.length > shown.length || [...s.counts.keys()].some((k) => !shown.includes(k));
  const labels = pooled ? [...shown, '(other)'] : shown;
  const share = (f: { counts: Map<string, number>; present: number }): number[] => {
    const out = labels.map(() => 0);
    for (const [label, c] of f.counts) {
      const i = shown.indexOf(label);
      out[i >= 0 ? i : labels.length - 1] += c;
    }
    return out.map((c) => (f.present > 0 ? c / f.present : 0));
  };
  return {
    name,
    kind,
    bins: labels,
    real: share(r),
    synth: share(s),
    missingReal: fraction(realRows - r.present, realRows),
    missingSynth: fraction(synthRows - s.present, synthRows),
  };
}

function fraction(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
