// Plain-language pieces every view of a report shares (the CLI summary, the HTML and Markdown exports,
// the report webview): where the compared tables came from, what a good value of a metric is, and what
// a metric left out. Kept in one place so the views cannot drift apart in what they tell a reader.
import type { LeftOut, Modality } from '../metrics/types';
import { formatNumber } from './charts';
import type { Report, ReportMetric, TableSource } from './model';

const HASH_SHOWN = 12;

function shortHash(sha256: string): string {
  return `sha256 ${sha256.slice(0, HASH_SHOWN)}…`;
}

/**
 * The words a report uses for what it compared: a table's rows, an image set's frames (a volume's
 * slices, a folder's images), so that no view speaks of "rows" of an image report.
 */
export interface ReportNouns {
  /** What `TableSource.rows` counts: "row" / "frame". */
  readonly unit: string;
  readonly units: string;
  /** One compared sample in sentences: "synthetic row", "synthetic image". */
  readonly sample: string;
  readonly samples: string;
  /** The compared set: "table" / "images". */
  readonly set: string;
}

const TABLE_NOUNS: ReportNouns = { unit: 'row', units: 'rows', sample: 'row', samples: 'rows', set: 'table' };
const IMAGE_NOUNS: ReportNouns = { unit: 'frame', units: 'frames', sample: 'image', samples: 'images', set: 'images' };

export function reportNouns(modality: Modality | undefined): ReportNouns {
  return modality === 'image' ? IMAGE_NOUNS : TABLE_NOUNS;
}

/** "42 rows", "1 frame": a count with its noun. */
export function countText(n: number, nouns: ReportNouns, kind: 'unit' | 'sample' = 'unit'): string {
  const [one, many] = kind === 'unit' ? [nouns.unit, nouns.units] : [nouns.sample, nouns.samples];
  return `${n} ${n === 1 ? one : many}`;
}

/** A metric's range, "0 to 1"; an unbounded end (Infinity, or null after a JSON round trip) reads "∞". */
export function rangeText(range: readonly (number | null)[], separator = ' to '): string {
  const end = (v: number | null | undefined, sign: 1 | -1): string =>
    typeof v === 'number' && Number.isFinite(v) ? String(v) : sign > 0 ? '∞' : '−∞';
  return `${end(range[0], -1)}${separator}${end(range[1], 1)}`;
}

/**
 * "data/patients.csv — 400 training rows of 500 (seed 42)", or "synthetic.csv — 500 rows"; an image
 * report counts frames: "head.nii — 25 frames".
 */
export function tableText(source: TableSource, modality: Modality = 'table'): string {
  const nouns = reportNouns(modality);
  if (source.part)
    return `${source.part.source} — ${source.rows} ${source.part.role} ${nouns.units} of ${source.part.sourceRows} (seed ${source.part.seed})`;
  return `${source.file ?? '(in memory)'} — ${countText(source.rows, nouns)}`;
}

/** True when the holdout is the other part of the very file the real rows were split from. */
export function holdoutFromSameFile(report: Report): boolean {
  const real = report.real;
  const holdout = report.holdout;
  return !!(
    real.part &&
    holdout?.part &&
    real.part.source === holdout.part.source &&
    real.sha256 !== undefined &&
    real.sha256 === holdout.sha256
  );
}

/** The one-line "Real: …; holdout: …" headline of a report. */
export function realHeadline(report: Report): string {
  const holdout = report.holdout;
  if (!holdout) return `Real: ${tableText(report.real, report.modality)}; no holdout`;
  const units = reportNouns(report.modality).units;
  const holdoutText = holdoutFromSameFile(report)
    ? `${holdout.rows} ${units} (the rest of the same file)`
    : tableText(holdout, report.modality);
  return `Real: ${tableText(report.real, report.modality)}; holdout: ${holdoutText}`;
}

/**
 * What was compared, with hashes, for the provenance block: one entry per table, the holdout saying
 * it shares the source file (and hash) when it does, plus the run id and the MedSynth version.
 */
export function provenanceEntries(report: Report): [label: string, text: string][] {
  const modality = report.modality;
  const hashText = (s: TableSource): string => (s.sha256 ? ` · ${shortHash(s.sha256)}` : ' · no hash recorded');
  const realHash =
    report.real.part && report.real.sha256 ? ` · ${shortHash(report.real.sha256)} (of the whole file)` : hashText(report.real);
  const entries: [string, string][] = [['Real', `${tableText(report.real, modality)}${realHash}`]];
  if (report.holdout) {
    const same = holdoutFromSameFile(report);
    entries.push([
      'Holdout',
      same
        ? `${report.holdout.rows} ${reportNouns(modality).units}: the rest of the same file (same ${shortHash(report.real.sha256 ?? '')})`
        : `${tableText(report.holdout, modality)}${hashText(report.holdout)}`,
    ]);
  }
  entries.push(['Synthetic', `${tableText(report.synth, modality)}${hashText(report.synth)}`]);
  const embedder = report.images?.embedder;
  // Feature-based scores compare only between reports made with the same embedder.
  if (embedder) entries.push(['Embedder', embedderText(embedder)]);
  if (report.runId !== undefined) entries.push(['Run', report.runId]);
  entries.push(['MedSynth', report.medsynthVersion ?? 'version not recorded']);
  return entries;
}

/**
 * What the reader assumed or repaired for each compared table, one sentence per note: "Reading the
 * real table: skipped 2 comment lines…". A holdout that is the rest of the real table's file shares
 * that file's notes, so they are said once.
 */
export function readerNoteLines(report: Report): string[] {
  const tables: [string, TableSource | undefined][] = [
    ['real', report.real],
    ['holdout', holdoutFromSameFile(report) ? undefined : report.holdout],
    ['synthetic', report.synth],
  ];
  const set = reportNouns(report.modality).set;
  return tables.flatMap(([label, source]) => (source?.notes ?? []).map((note) => `Reading the ${label} ${set}: ${note}`));
}

/** "medsynth-random-conv-v1 · 384 features · sha256 5a803694c76a…": the embedder the feature scores used. */
export function embedderText(e: { readonly name: string; readonly sha256: string; readonly dims: number }): string {
  return `${e.name} · ${e.dims} features · ${shortHash(e.sha256)}`;
}

function baselineMedian(m: ReportMetric): number | undefined {
  const b = m.details.baseline as { median?: unknown } | undefined;
  return b && typeof b.median === 'number' && Number.isFinite(b.median) ? b.median : undefined;
}

/**
 * What a good value of the metric is, in a few words. Distances have no fixed good value: with a
 * holdout it is the holdout rows' own value (real patients the generator never saw).
 */
export function goalText(m: ReportMetric): string {
  // The metric's own modality names what its distances are between (rows of a table, images).
  const samples = reportNouns(m.descriptor.modality).samples;
  if (m.id === 'privacy.dcr') {
    const base = baselineMedian(m);
    return base !== undefined
      ? `good: about ${formatNumber(base)} or more, the holdout ${samples}' own distance to the training ${samples}`
      : 'no fixed good value: add a holdout to get the natural level';
  }
  if (m.id === 'privacy.nndr') {
    const base = baselineMedian(m);
    return base !== undefined ? `good: about ${formatNumber(base)} or more, the holdout ${samples}' own ratio` : 'higher is better';
  }
  if (m.id === 'fidelity.fid') return 'lower is better, 0 at best; no fixed good value: compare runs under one embedder';
  if (m.id === 'privacy.identifierCopies') return 'good: 1 (no real identifier value)';
  if (m.id === 'privacy.membershipInference') {
    // The attack's own numbers: AUC 0.5 is chance (the score is 1 - 2 (AUC - 0.5)).
    const auc = m.details.auc;
    const tpr = (m.details.tprAtFpr as Record<string, unknown> | undefined)?.['0.01'];
    return typeof auc === 'number'
      ? `good: 1 (attack AUC ${formatNumber(auc)}, 0.5 = chance${typeof tpr === 'number' ? `; ${formatNumber(tpr)} of training ${samples} found at 1% false positives` : ''})`
      : 'good: 1 (the attack does no better than chance); needs a holdout';
  }
  return m.descriptor.goal === 'maximize' ? 'higher is better' : 'lower is better';
}

/** details.ci95 of a metric (the seeded bootstrap interval, metrics/bootstrap.ts) when it is two finite numbers. */
export function ci95Of(m: Pick<ReportMetric, 'details'>): readonly [number, number] | undefined {
  const ci = m.details.ci95;
  if (!Array.isArray(ci) || ci.length !== 2) return undefined;
  const [lo, hi] = ci as unknown[];
  return typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : undefined;
}

/** "95% CI 0.961–0.982", or '' for a metric without an interval (no score, no resampling, --bootstrap 0). */
export function intervalText(m: Pick<ReportMetric, 'details' | 'score'>): string {
  const ci = m.score === null ? undefined : ci95Of(m);
  return ci ? `95% CI ${formatNumber(ci[0])}–${formatNumber(ci[1])}` : '';
}

/** "0.973 (95% CI 0.961–0.982)", or the score alone without an interval; '' without a score. */
export function scoreWithInterval(m: Pick<ReportMetric, 'details' | 'score'>): string {
  if (m.score === null) return '';
  const ci = intervalText(m);
  return ci ? `${formatNumber(m.score)} (${ci})` : formatNumber(m.score);
}

/** One "left out" entry in words: "2 columns left out (patient_id, notes): why". */
export function leftOutSentence(l: LeftOut): string {
  const unit = l.count === 1 ? l.unit.replace(/s$/, '') : l.unit;
  const names =
    l.names && l.names.length > 0
      ? ` (${l.names.slice(0, 5).join(', ')}${l.names.length > 5 ? `, and ${l.names.length - 5} more` : ''})`
      : '';
  return `${l.count} ${unit} left out${names}: ${l.reason}`;
}

/** Every "left out" entry of a metric, in words; empty when it used everything. */
export function leftOutSentences(m: ReportMetric): string[] {
  return (m.leftOut ?? []).filter((l) => l.count > 0).map(leftOutSentence);
}
