// The evaluate job: read the real, synthetic (and holdout) tables, or take them from memory; the real
// dataset's modality (the registry) conforms the others to it (tables: the real column kinds), runs
// its metrics and builds its report; write report.json / report.html on request. Reading is still
// table-only; a real dataset of a modality without an evaluation is refused before anything is read.
import { resolve } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import type { Table } from '../core/data/table/table';
import { requireEvaluation } from '../core/modalities/registry';
import type { ReportGenerator } from '../core/report/build';
import { renderReportHtml } from '../core/report/html';
import { renderReportMarkdown } from '../core/report/markdown';
import type { Report, TableSource } from '../core/report/model';
import { writeFileAtomic } from '../storage/atomic';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { partOf } from './holdout';
import type { EngineProgress } from './progress';
import { inputLabel, inputModality, inputPath, isLoadedTable, loadTableInput } from './tableInput';
import { MEDSYNTH_VERSION } from './version';
import type { TableInput } from './tableInput';

export interface EvaluateOptions {
  /**
   * Each table is a path to read or a table in memory (the full loop passes its training and holdout
   * parts that way); a table in memory is recorded in the report under its name.
   */
  readonly real: TableInput;
  readonly synth: TableInput;
  readonly holdout?: TableInput;
  readonly metrics?: readonly string[];
  readonly json?: string;
  readonly html?: string;
  readonly markdown?: string;
  readonly generator?: ReportGenerator;
  /** The full loop's run id, recorded in the report. */
  readonly runId?: string;
  /** Caps on every table read (the host passes medsynth.maxRows / medsynth.maxCells). */
  readonly limits?: ReadLimits;
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  /**
   * The names the report records for its tables instead of the paths read. The full loop evaluates a
   * run folder before renaming it into place, so it records the final, relative names here.
   */
  readonly recordAs?: { readonly real?: string; readonly synth?: string; readonly holdout?: string };
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
}

export async function evaluateSynthetic(opts: EvaluateOptions): Promise<Report> {
  const inputs = [opts.real, opts.synth, opts.holdout].filter((p): p is TableInput => p !== undefined);
  const sources = inputs.map(inputPath).filter((p): p is string => p !== undefined);
  for (const out of [opts.json, opts.html, opts.markdown]) {
    if (out !== undefined && sources.includes(resolve(out)))
      throw new MedSynthError('BAD_USAGE', `refusing to overwrite the input ${out} with a report`);
  }
  const evaluation = requireEvaluation(inputModality(opts.real), inputLabel(opts.real));
  if (!inputs.every(isLoadedTable)) opts.onProgress?.({ phase: 'read', message: 'reading tables' });
  // The dialect applies to every file read; user column kinds to the real table, which the others are conformed to.
  const load = (input: TableInput, types = false): Promise<Table> =>
    loadTableInput(input, { limits: opts.limits, read: types ? opts.read : { ...opts.read, types: undefined }, signal: opts.signal });
  const real = await load(opts.real, true);
  const conform = async (input: TableInput): Promise<unknown> => evaluation.conform(await load(input), real);
  const synth = await conform(opts.synth);
  const holdout = opts.holdout !== undefined ? await conform(opts.holdout) : undefined;
  throwIfAborted(opts.signal);

  opts.onProgress?.({ phase: 'evaluate', message: 'computing metrics' });
  const results = await evaluation.run({ real, synth, holdout }, opts.metrics, opts.signal);
  throwIfAborted(opts.signal);
  const built = await evaluation.report({ real, synth, holdout }, results, {
    generator: opts.generator,
    runId: opts.runId,
    medsynthVersion: MEDSYNTH_VERSION,
    signal: opts.signal,
  });
  const report = recordParts(recordNames(built, opts.recordAs), opts);

  opts.onProgress?.({ phase: 'write', message: 'writing the report' });
  const encoder = new TextEncoder();
  if (opts.json !== undefined)
    await writeFileAtomic(resolve(opts.json), encoder.encode(`${JSON.stringify(report, null, 2)}\n`), opts.signal);
  if (opts.html !== undefined) await writeFileAtomic(resolve(opts.html), encoder.encode(renderReportHtml(report)), opts.signal);
  if (opts.markdown !== undefined) await writeFileAtomic(resolve(opts.markdown), encoder.encode(renderReportMarkdown(report)), opts.signal);
  return report;
}

function recordNames(report: Report, names: EvaluateOptions['recordAs']): Report {
  if (!names) return report;
  return {
    ...report,
    real: names.real !== undefined ? { ...report.real, file: names.real } : report.real,
    synth: names.synth !== undefined ? { ...report.synth, file: names.synth } : report.synth,
    ...(report.holdout ? { holdout: names.holdout !== undefined ? { ...report.holdout, file: names.holdout } : report.holdout } : {}),
  };
}

/**
 * Records a table in memory that is a part of a file split in memory (the full loop's training and
 * holdout parts) with that part spelled out, so that reports can say "400 training rows of 500" in
 * plain words and that both parts carry the one source file's hash.
 */
function recordParts(report: Report, opts: EvaluateOptions): Report {
  const withPart = (source: TableSource, input: TableInput | undefined): TableSource => {
    if (input === undefined || !isLoadedTable(input)) return source;
    const part = input.part ?? partOf(input.name);
    if (!part) return source;
    return { ...source, part: { source: part.source, role: part.role, sourceRows: part.sourceRows, seed: part.seed } };
  };
  return {
    ...report,
    real: withPart(report.real, opts.real),
    ...(report.holdout ? { holdout: withPart(report.holdout, opts.holdout) } : {}),
  };
}
