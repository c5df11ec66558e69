// The evaluate job: read the real, synthetic (and holdout) tables, or take them from memory; the real
// dataset's modality (the registry) conforms the others to it (tables: the real column kinds), runs
// its metrics and builds its report; write report.json / report.html on request. Reading is still
// table-only; a real dataset of a modality without an evaluation is refused before anything is read.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { FeatureMatrix } from '../core/metrics/image/imageMetric';
import type { MetricOptions } from '../core/metrics/metricOptions';
import type { EmbeddedFeatures, ModalityDefinition } from '../core/modalities/modality';
import type { ExecutionProviderName } from '../protocol/inference';
import { readDataset } from '../storage/datasets';
import type { ReadDataset } from '../storage/datasets';
import { loadEmbedder } from '../storage/embedderFolder';
import { InferenceClient } from './inferenceClient';
import { installGramTiles } from './gramTiles';
import { MedSynthError, throwIfAborted } from '../core/errors';
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
import { inputLabel, inputModality, inputPath, isLoadedDataset, isLoadedTable, loadTableInput, namedInMemory } from './tableInput';
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
  /** What the privacy and utility metrics are told: quasi-identifiers, secret, k, target, bootstrap, seed. */
  readonly metricOptions?: MetricOptions;
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
  /** Caps on decoding images and signals (pixels, samples, bytes). */
  readonly decodeLimits?: DecodeLimits;
  /** Images: the embedder folder (medsynth.embedder/1); the built-in one when absent. */
  readonly embedder?: string;
  /** A client to reuse for the embedder (the host keeps one); otherwise one is made and disposed. */
  readonly client?: InferenceClient;
  readonly inferenceScript?: string;
  readonly executionProviders?: readonly ExecutionProviderName[];
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
  // A file's modality is known from its name, so a modality without an evaluation is refused before
  // anything is read; a folder (a DICOM series, a folder of images) is known once read.
  const realPath = inputPath(opts.real);
  const realIsFolder = realPath !== undefined && (await isFolder(realPath));
  if (!realIsFolder) requireEvaluation(inputModality(opts.real), inputLabel(opts.real));
  if (!inputs.every(isLoadedTable)) opts.onProgress?.({ phase: 'read', message: 'reading the datasets' });
  // The dialect applies to every file read; user column kinds to the real table, which the others are conformed to.
  const load = async (input: TableInput, types = false): Promise<ReadDataset> => {
    const read = types ? opts.read : { ...opts.read, types: undefined };
    if (isLoadedDataset(input)) return namedInMemory(input);
    if (isLoadedTable(input)) {
      const table = await loadTableInput(input, { limits: opts.limits, read, signal: opts.signal });
      return { modality: inputModality(input), dataset: table, notes: [], files: [] };
    }
    return readDataset(resolve(input), {
      table: { ...read, ...opts.limits, signal: opts.signal },
      decode: { limits: opts.decodeLimits, signal: opts.signal },
    });
  };
  const realRead = await load(opts.real, true);
  const modality = realRead.modality;
  const evaluation = requireEvaluation(modality, inputLabel(opts.real));
  const real = realRead.dataset;
  // Refused before the synthetic and holdout sets are read: a column the options name that `real` lacks.
  if (opts.metricOptions) evaluation.checkOptions?.(real, opts.metricOptions);
  const reads: { synth?: ReadDataset; holdout?: ReadDataset } = {};
  const conform = async (input: TableInput, role: 'synth' | 'holdout'): Promise<unknown> => {
    const read = await load(input);
    if (read.modality !== modality)
      throw new MedSynthError('BAD_USAGE', `the real dataset holds ${modality.noun}, but ${inputLabel(input)} holds ${read.modality.noun}`);
    reads[role] = read;
    return evaluation.conform(read.dataset, real);
  };
  const synth = await conform(opts.synth, 'synth');
  const holdout = opts.holdout !== undefined ? await conform(opts.holdout, 'holdout') : undefined;
  throwIfAborted(opts.signal);

  // Embedded modalities: one inference client embeds the sets and then computes the metrics' distance
  // tiles as ONNX Runtime matrix products (gramTiles.ts), on the providers the user chose.
  const embedded = modality.features?.embedderInput !== undefined;
  const client = embedded ? (opts.client ?? new InferenceClient({ script: opts.inferenceScript })) : undefined;
  let results: Awaited<ReturnType<typeof evaluation.run>>;
  let input: Parameters<typeof evaluation.run>[0];
  try {
    const features = client ? await embedSets(modality, { real, synth, holdout }, client, opts) : undefined;
    opts.onProgress?.({ phase: 'evaluate', message: 'computing metrics' });
    input = { real, synth, holdout, ...(features ? { features } : {}), ...(opts.metricOptions ? { options: opts.metricOptions } : {}) };
    const tiles = client ? installGramTiles(client, opts.executionProviders ?? ['cpu']) : undefined;
    try {
      results = await evaluation.run(input, opts.metrics, opts.signal);
    } finally {
      tiles?.uninstall();
    }
  } finally {
    if (client && !opts.client) client.dispose();
  }
  throwIfAborted(opts.signal);
  const built = await evaluation.report(input, results, {
    generator: opts.generator,
    runId: opts.runId,
    medsynthVersion: MEDSYNTH_VERSION,
    signal: opts.signal,
  });
  // A report whose sources carry no file (images: the readers know no single file) names the inputs read.
  const named = nameSources(built, {
    real: { label: inputLabel(opts.real), sha256: realRead.sha256 },
    synth: { label: inputLabel(opts.synth), sha256: reads.synth?.sha256 },
    ...(opts.holdout !== undefined ? { holdout: { label: inputLabel(opts.holdout), sha256: reads.holdout?.sha256 } } : {}),
  });
  const report = recordParts(recordNames(named, opts.recordAs), opts);

  opts.onProgress?.({ phase: 'write', message: 'writing the report' });
  const encoder = new TextEncoder();
  if (opts.json !== undefined)
    await writeFileAtomic(resolve(opts.json), encoder.encode(`${JSON.stringify(report, null, 2)}\n`), opts.signal);
  if (opts.html !== undefined) await writeFileAtomic(resolve(opts.html), encoder.encode(renderReportHtml(report)), opts.signal);
  if (opts.markdown !== undefined) await writeFileAtomic(resolve(opts.markdown), encoder.encode(renderReportMarkdown(report)), opts.signal);
  return report;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Runs the embedder (opts.embedder, else the built-in one) on every set through the inference process. */
async function embedSets(
  modality: ModalityDefinition,
  sets: { readonly real: unknown; readonly synth: unknown; readonly holdout?: unknown },
  client: InferenceClient,
  opts: EvaluateOptions,
): Promise<EmbeddedFeatures> {
  const prepare = modality.features?.embedderInput;
  if (!prepare) throw new MedSynthError('BAD_USAGE', `${modality.noun} are not compared through an embedder`);
  opts.onProgress?.({ phase: 'evaluate', message: 'loading the embedder' });
  const embedder = await loadEmbedder(opts.embedder);
  const run = async (dataset: unknown, role: string): Promise<FeatureMatrix> => {
    opts.onProgress?.({ phase: 'evaluate', message: `embedding the ${role} images` });
    const prepared = prepare(dataset, embedder.manifest, opts.signal);
    const res = await client.embed(
      embedder.modelPath,
      embedder.manifest.input.name,
      embedder.manifest.output.name,
      prepared.data,
      [prepared.count, ...prepared.shape],
      { signal: opts.signal, ...(opts.executionProviders ? { executionProviders: opts.executionProviders } : {}) },
    );
    return { data: res.features, rows: res.rows, dims: res.dims };
  };
  const real = await run(sets.real, 'real');
  const synth = await run(sets.synth, 'synthetic');
  const holdout = sets.holdout !== undefined ? await run(sets.holdout, 'holdout') : undefined;
  return { real, synth, ...(holdout ? { holdout } : {}), embedder: { name: embedder.manifest.name, sha256: embedder.sha256 } };
}

/** Fills in the file and hash of a report source that has none. */
function nameSources(
  report: Report,
  names: Record<'real' | 'synth', { label: string; sha256?: string }> & { holdout?: { label: string; sha256?: string } },
): Report {
  const fill = (source: TableSource, n: { label: string; sha256?: string } | undefined): TableSource =>
    source.file !== undefined || n === undefined
      ? source
      : { ...source, file: n.label, ...(n.sha256 !== undefined ? { sha256: n.sha256 } : {}) };
  return {
    ...report,
    real: fill(report.real, names.real),
    synth: fill(report.synth, names.synth),
    ...(report.holdout ? { holdout: fill(report.holdout, names.holdout) } : {}),
  };
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
    const part = ('part' in input ? input.part : undefined) ?? partOf(input.name);
    if (!part) return source;
    return { ...source, part: { source: part.source, role: part.role, sourceRows: part.sourceRows, seed: part.seed } };
  };
  return {
    ...report,
    ...(opts.metricOptions ? { metricOptions: opts.metricOptions } : {}),
    real: withPart(report.real, opts.real),
    ...(report.holdout ? { holdout: withPart(report.holdout, opts.holdout) } : {}),
  };
}
