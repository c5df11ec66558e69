// The generate job: load a generator, sample it through the inference process, decode the sample into
// the dataset of the generator's modality (the registry's sample codec) and write it atomically. Rows are numbered globally, so shard i/k of n rows reproduces rows
// [floor(i*n/k), floor((i+1)*n/k)) of the single run, byte for byte.
import { join, resolve } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import type { GeneratorManifest } from '../core/generators/manifest';
import { DEFAULT_MAX_CELLS } from '../core/data/limits';
import type { ModalityDefinition } from '../core/modalities/modality';
import { modalityForManifest, modalityForOutput, requireOutputs, requireSampleCodec } from '../core/modalities/registry';
import { MAX_SAMPLE_VALUES } from '../inference/sampleLimits';
import { loadGenerator } from '../storage/generatorFolder';
import { defaultExecutionProviders } from '../protocol/inference';
import type { ExecutionProviderName } from '../protocol/inference';
import { InferenceClient } from './inferenceClient';
import type { EngineProgress } from './progress';
import { describeExtensions, folderFormat, SampleQueue, writeSampleFolder, writeSampleStream } from './sampleOutput';
import { checkFolderOutput } from '../storage/atomic';
import { generatorInputs } from './generatorInputs';
import { isInsideOrSame } from './fit';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface GenerateOptions {
  readonly generatorPath: string;
  readonly n: number;
  readonly seed: number;
  /** The output file; its extension names the format (and so the modality's writer). */
  readonly out?: string;
  /** Instead of `out`: the sample goes to the default file of the generator's modality in this folder (tables: synthetic.csv). */
  readonly outFolder?: string;
  /**
   * For modalities that write a folder of one file per sample (images): the file format (png, dcm,
   * nii, npy); the modality's first format when absent. `out` is then the folder.
   */
  readonly format?: string;
  /** A conditional generator's samples per class name; absent: n spread evenly over its classes. */
  readonly classCounts?: Readonly<Record<string, number>>;
  /** A translation generator's source images (one output per frame). */
  readonly source?: string;
  readonly batch?: number;
  readonly shard?: Shard;
  readonly executionProviders?: readonly ExecutionProviderName[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
  /** A client to reuse (the host keeps one); otherwise one is made for this job and disposed. */
  readonly client?: InferenceClient;
  readonly inferenceScript?: string;
  readonly onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface GenerateResult {
  readonly out: string;
  /** Folder outputs: the item format and the number of files written. */
  readonly format?: string;
  readonly files?: number;
  readonly rows: number;
  readonly firstRow: number;
  readonly features: number;
  readonly seed: number;
  readonly n: number;
  readonly shard?: Shard;
  readonly executionProvider: ExecutionProviderName;
  readonly msPerBatch: readonly number[];
  /** Time from the request to the last batch's arrival (including starting the child and creating the session); decoding and writing overlap it. */
  readonly sampleMs: number;
  /** The child's session creation (0 when a warm client reused its session). */
  readonly sessionMs: number;
  /** The child's batch loop: latents, session.run and gathering, without start-up or transfer. */
  readonly loopMs: number;
  readonly totalMs: number;
  readonly generator: { readonly name: string; readonly family: string; readonly modelSha256: string; readonly manifestSha256: string };
}

export const DEFAULT_BATCH = 4096;

export function shardRange(n: number, shard: Shard | undefined): { firstRow: number; rows: number } {
  if (!shard) return { firstRow: 0, rows: n };
  const first = Math.floor((shard.index * n) / shard.count);
  const end = Math.floor(((shard.index + 1) * n) / shard.count);
  return { firstRow: first, rows: end - first };
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count)
    throw new MedSynthError('BAD_USAGE', `--shard must be i/k with 0 <= i < k, got '${text}'`);
  return shard;
}

/**
 * What a generator's output decodes into: its modality's sample codec checks the manifest's
 * postprocess block and gives the feature width a batch must have and the fields (table columns) a
 * sample row becomes. UNSUPPORTED for a modality that cannot decode generator output yet.
 */
export function samplePostprocess(
  manifest: GeneratorManifest,
  source: string,
): { readonly modality: ModalityDefinition; readonly spec: unknown; readonly features: number; readonly fields: number } {
  const modality = modalityForManifest(manifest, source);
  const checked = requireSampleCodec(modality, source).check(manifest, source);
  return { modality, ...checked };
}

/** The same wording as the CLI's option check (cli/args.ts integerOption), for callers of the engine. */
function checkCounts(n: number, seed: number, batch: number): void {
  for (const [name, value, min] of [
    ['n', n, 1],
    ['seed', seed, 0],
    ['batch', batch, 1],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min)
      throw new MedSynthError('BAD_USAGE', `--${name} must be a whole number of at least ${min}, got '${value}'`);
  }
}

/**
 * One run produces at most MAX_SAMPLE_VALUES values (rows × model outputs): the sample streams to the
 * writer without back-pressure, and a .parquet output is held whole. Past it, generate is refused
 * before sampling, naming the limit and the --shard split that fits (shards concatenate to the run).
 */
export function checkSampleSize(rows: number, features: number, shard: Shard | undefined): void {
  if (rows * features <= MAX_SAMPLE_VALUES) return;
  const parts = (shard?.count ?? 1) * Math.ceil((rows * features) / MAX_SAMPLE_VALUES);
  throw new MedSynthError(
    'LIMIT_EXCEEDED',
    `${rows} rows × ${features} values per row is more than the ${MAX_SAMPLE_VALUES} values one generate run produces`,
    {
      expected: `--shard i/${parts} for i = 0..${parts - 1}: each shard is a run of its own, and their outputs in order are the single run's rows`,
    },
  );
}

/**
 * The readers' default cap (50 million cells) also applies when the output is inspected, evaluated or
 * fitted on: a larger output is still written, with a note saying which option reads it back.
 */
export function readCapNote(rows: number, columns: number): string | undefined {
  const cells = rows * columns;
  if (cells <= DEFAULT_MAX_CELLS) return undefined;
  return `the output has ${rows} rows × ${columns} columns = ${cells} cells, more than the ${DEFAULT_MAX_CELLS} cells inspect, evaluate and fit read by default: pass them --max-cells ${cells} (VS Code: medsynth.maxCells)`;
}

export async function generateSynthetic(opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const batch = opts.batch ?? DEFAULT_BATCH;
  checkCounts(opts.n, opts.seed, batch);
  if ((opts.out === undefined) === (opts.outFolder === undefined))
    throw new MedSynthError('BAD_USAGE', 'generate needs either an output file or an output folder');
  const { firstRow, rows } = shardRange(opts.n, opts.shard);

  opts.onProgress?.({ phase: 'load', message: `loading generator ${opts.generatorPath}` });
  const gen = await loadGenerator(opts.generatorPath);
  const genModality = modalityForManifest(gen.manifest, gen.folder);
  const out = resolve(opts.out ?? join(opts.outFolder ?? '.', requireOutputs(genModality, gen.folder).defaultFile));
  // A modality that writes one file per sample takes a folder: a path no writer's extension claims.
  const folderOutput = genModality.outputs?.itemFormats !== undefined && !modalityForOutput(out);
  const outModality = folderOutput ? genModality : modalityForOutput(out);
  if (!outModality)
    throw new MedSynthError('BAD_USAGE', `cannot tell the output format from '${opts.out ?? out}' (use ${describeExtensions()})`);
  if (opts.format !== undefined && !folderOutput)
    throw new MedSynthError('BAD_USAGE', `--format is for generators that write a folder of files; '${opts.out ?? out}' is one file`);
  if (isInsideOrSame(out, gen.folder) || out === resolve(gen.modelPath) || out === resolve(gen.folder, 'medsynth.json')) {
    throw new MedSynthError('BAD_USAGE', `refusing to overwrite the generator's own file ${out}`);
  }
  const post = samplePostprocess(gen.manifest, gen.folder);
  requireOutputs(post.modality, gen.folder);
  const format = folderOutput ? folderFormat(post.modality, opts.format, gen.folder) : undefined;
  if (folderOutput) await checkFolderOutput(out);
  if (outModality !== post.modality)
    throw new MedSynthError(
      'BAD_USAGE',
      `the generator makes ${post.modality.noun}, but '${opts.out}' is a file of ${outModality.noun} (use ${requireOutputs(post.modality).extensions.join(', ')})`,
    );
  checkSampleSize(rows, post.features, opts.shard);
  const fed = await generatorInputs(gen.manifest, gen.folder, opts.n, firstRow, rows, {
    classCounts: opts.classCounts,
    source: opts.source,
    signal: opts.signal,
  });
  const note = readCapNote(rows, post.fields);
  if (note !== undefined) opts.onLog?.('warn', note);
  throwIfAborted(opts.signal);

  const client = opts.client ?? new InferenceClient({ script: opts.inferenceScript, onLog: opts.onLog });
  // Sampling and writing run as a pipeline: the child streams batches, and this process decodes and
  // writes them while the child samples the next ones. A failure on either side stops the other: a
  // sampling error reaches the writer through the queue, a write error aborts the sampling.
  const queue = new SampleQueue();
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  try {
    const sampleStart = performance.now();
    let sampleMs = 0;
    let sampleFailure: { readonly error: unknown } | undefined;
    let files: number | undefined;
    const sampling = client
      .sample(
        {
          modelPath: gen.modelPath,
          manifest: gen.manifest,
          rows,
          firstRow,
          seed: opts.seed,
          batch,
          ...(fed.condition ? { condition: fed.condition } : {}),
          ...(fed.decoderPath !== undefined ? { decoderPath: fed.decoderPath } : {}),
          executionProviders: opts.executionProviders ?? defaultExecutionProviders(),
        },
        {
          signal,
          onProgress: (done, total) => opts.onProgress?.({ phase: 'generate', done, total }),
          onBatch: (b) => {
            if (b.features !== post.features) {
              throw new MedSynthError(
                'MODEL_MISMATCH',
                `the model returned ${b.features} features per row, the manifest declares ${post.features}`,
                { file: gen.modelPath },
              );
            }
            queue.push({ data: b.data, rows: b.rows });
          },
        },
      )
      .then(
        (res) => {
          sampleMs = performance.now() - sampleStart;
          // The rest of the output is written after the last batch: that is the 'write' phase.
          opts.onProgress?.({ phase: 'write', message: `writing ${out}` });
          queue.end();
          return res;
        },
        (e: unknown) => {
          sampleFailure = { error: e };
          queue.fail(e);
          throw e;
        },
      );
    // Sampling errors are rethrown below, after the writer has stopped and removed its temp file.
    sampling.catch(() => undefined);
    try {
      if (format !== undefined)
        files = await writeSampleFolder(out, post.modality, post.spec, queue, {
          format,
          firstRow,
          generator: { name: gen.manifest.name, modelSha256: gen.modelSha256 },
          seed: opts.seed,
          n: opts.n,
          ...(fed.labelOf ? { labelOf: fed.labelOf } : {}),
          signal,
        });
      else await writeSampleStream(out, post.spec, queue, firstRow, signal);
    } catch (e) {
      // A sampling failure that came first is the cause of the write failure: report it, not its echo.
      const cause = sampleFailure;
      stop.abort();
      await sampling.catch(() => undefined);
      throw cause ? cause.error : e;
    }
    const res = await sampling;
    throwIfAborted(opts.signal);
    return {
      out,
      ...(format !== undefined ? { format, files } : {}),
      rows,
      firstRow,
      features: res.features,
      seed: opts.seed,
      n: opts.n,
      shard: opts.shard,
      executionProvider: res.executionProvider,
      msPerBatch: res.msPerBatch,
      sampleMs,
      sessionMs: res.sessionMs,
      loopMs: res.loopMs,
      totalMs: performance.now() - started,
      generator: { name: gen.manifest.name, family: gen.manifest.family, modelSha256: gen.modelSha256, manifestSha256: gen.manifestSha256 },
    };
  } finally {
    if (!opts.client) client.dispose();
  }
}
