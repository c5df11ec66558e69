// Plain-language pieces every view of a report shares (the CLI summary, the HTML and Markdown exports,
// the report webview): where the compared tables came from, what a good value of a metric is, and what
// a metric left out. Kept in one place so the views cannot drift apart in what they tell a reader.
import type { LeftOut } from '../metrics/types';
import { formatNumber } from './charts';
import type { Report, ReportMetric, TableSource } from './model';

const HASH_SHOWN = 12;

function shortHash(sha256: string): string {
  return `sha256 ${sha256.slice(0, HASH_SHOWN)}…`;
}

/** "data/patients.csv — 400 training rows of 500 (seed 42)", or "synthetic.csv — 500 rows". */
export function tableText(source: TableSource): string {
  if (source.part)
    return `${source.part.source} — ${source.rows} ${source.part.role} rows of ${source.part.sourceRows} (seed ${source.part.seed})`;
  return `${source.file ?? '(in memory)'} — ${source.rows} rows`;
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
  if (!holdout) return `Real: ${tableText(report.real)}; no holdout`;
  const holdoutText = holdoutFromSameFile(report) ? `${holdout.rows} rows (the rest of the same file)` : tableText(holdout);
  return `Real: ${tableText(report.real)}; holdout: ${holdoutText}`;
}

/**
 * What was compared, with hashes, for the provenance block: one entry per table, the holdout saying
 * it shares the source file (and hash) when it does, plus the run id and the MedSynth version.
 */
export function provenanceEntries(report: Report): [label: string, text: string][] {
  const hashText = (s: TableSource): string => (s.sha256 ? ` · ${shortHash(s.sha256)}` : ' · no hash recorded');
  const realHash =
    report.real.part && report.real.sha256 ? ` · ${shortHash(report.real.sha256)} (of the whole file)` : hashText(report.real);
  const entries: [string, string][] = [['Real', `${tableText(report.real)}${realHash}`]];
  if (report.holdout) {
    const same = holdoutFromSameFile(report);
    entries.push([
      'Holdout',
      same
        ? `${report.holdout.rows} rows: the rest of the same file (same ${shortHash(report.real.sha256 ?? '')})`
        : `${tableText(report.holdout)}${hashText(report.holdout)}`,
    ]);
  }
  entries.push(['Synthetic', `${tableText(report.synth)}${hashText(report.synth)}`]);
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
  return tables.flatMap(([label, source]) => (source?.notes ?? []).map((note) => `Reading the ${label} table: ${note}`));
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
  if (m.id === 'privacy.dcr') {
    const base = baselineMedian(m);
    return base !== undefined
      ? `good: about ${formatNumber(base)} or more, the holdout rows' own distance to the training rows`
      : 'no fixed good value: add a holdout to get the natural level';
  }
  if (m.id === 'privacy.nndr') {
    const base = baselineMedian(m);
    return base !== undefined ? `good: about ${formatNumber(base)} or more, the holdout rows' own ratio` : 'higher is better';
  }
  if (m.id === 'privacy.identifierCopies') return 'good: 1 (no real identifier value)';
  return m.descriptor.goal === 'maximize' ? 'higher is better' : 'lower is better';
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
