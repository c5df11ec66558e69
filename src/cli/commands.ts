// The `medsynth` commands but inspect (inspect.ts) and run (runCommand.ts). Each parses its own
// options, runs an engine job and prints a short result; errors propagate as MedSynthError and main.ts maps them to exit codes.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MedSynthError } from '../core/errors';
import { inferTableFormat } from '../core/data/table/format';
import { evaluateSynthetic } from '../engine/evaluate';
import { evaluateMerged } from '../engine/evaluateShard';
import { fitGenerator } from '../engine/fit';
import { generateSynthetic, parseShard } from '../engine/generate';
import { shardFromEnvironment } from '../engine/shardEnv';
import { writeShardManifest } from '../engine/shardManifest';
import { splitTableFile } from '../engine/split';
import { modalityForPath, requireFitter } from '../core/modalities/registry';
import { isExecutionProviderName, KNOWN_EXECUTION_PROVIDERS } from '../protocol/inference';
import type { ExecutionProviderName } from '../protocol/inference';
import { readTableFile, writeTableFile } from '../storage/tables';
import { integerOption, LIMIT_OPTIONS, limitOptions, listOption, parseCommandArgs, requireInteger, requireString } from './args';
import { convertImageCommand, isImageConversion } from './convert';
import { checkOutputParent } from './outputs';
import { DIALECT_OPTIONS, dialectOptions } from './dialectOptions';
import { READ_OPTIONS, readSettingsOption } from './readOptions';
import { FITTER_HELP, FITTER_OPTIONS, fitterSettings } from './fitterOptions';
import { METRIC_HELP, METRIC_OPTIONS, metricOptionsFrom } from './metricFlags';
import { formatEvaluationSummary } from './summary';
import { EVALUATE_SHARD_HELP, EVALUATE_SHARD_OPTIONS, evaluateShardCommand, mergeFiles } from './evaluateShardCommand';

export interface CliContext {
  readonly signal: AbortSignal;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * What the reader assumed or repaired reading `file` (an encoding, skipped comment lines, padded rows,
 * decimal commas), one stderr line per note, so that a wrong guess is seen before its numbers are trusted.
 */
export function printReaderNotes(ctx: CliContext, file: string, notes: readonly string[] | undefined): void {
  for (const note of notes ?? []) ctx.stderr(`medsynth: note: ${file}: ${note}\n`);
}

/** The help line every table-reading command shares. */
export const READ_HELP =
  '  Reading: --delimiter C (one character, tab, whitespace), --encoding utf-8|latin1, --comment PREFIX, --max-rows N, --max-cells N.\n';

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  inspect:
    'medsynth inspect <path> [--json] [--types col=kind,...] [--max-rows N] [--max-cells N] [--max-pixels N] [--max-samples N] [--max-decompressed-bytes N]\n  Describe a dataset or a generator: a table (.csv .tsv .parquet .jsonl), an image (.dcm, DICOMDIR, a folder of DICOM files,\n  .nii .nii.gz .hdr, .png .jpg), a signal record (.hea WFDB, .edf .bdf), a tokenizer.json, or a generator (folder with\n  medsynth.json, or .onnx). No patient identifiers are printed. --types sets column kinds instead of inferring them\n  (numeric, categorical, datetime, boolean, identifier, text).\n' +
    READ_HELP,
  convert:
    'medsynth convert <in> <out>\n  Convert a table; formats are chosen by extension: .csv .tsv .parquet .jsonl. <out> must differ from <in>.\n' +
    READ_HELP +
    'medsynth convert <image file|folder|DICOMDIR> <out.npy|.png|.nii|.nii.gz|.dcm> [--bit-depth 8|16] [--max-pixels N] [--max-decompressed-bytes N]\n' +
    '  Convert one image volume (one DICOM series): .npy float32 modality values (frames, rows, columns[, 3]); .png the windowed\n' +
    '  display, <name>-<k>.png per frame (k from 0) when there are several; .nii/.nii.gz NIfTI-1 with spacing; .dcm one\n' +
    '  de-identified DICOM file (new UIDs, no names, ids or dates; allowlisted technical attributes only).\n',
  fit:
    "medsynth fit <dataset> [--generator copula|ppca] --out <dir> [--types col=kind,...] [--json]\n  Fit a built-in generator and write <dir>/model.onnx and <dir>/medsynth.json: tables the Gaussian copula (the manifest\n  records each column's kind); images (a DICOM file or series folder, DICOMDIR, NIfTI, PNG/JPEG or a folder of them)\n  probabilistic PCA on every frame resampled to the most common size (at most 128 x 128).\n  The folder that holds <dir> must exist; <dir> itself is created.\n" +
    FITTER_HELP +
    READ_HELP,
  generate:
    'medsynth generate <model-dir|model.onnx> --n N --seed S --out <path> [--format png|dcm|nii|nii.gz|npy] [--classes a=N,...] [--source <images>] [--ep cuda,cpu] [--batch B] [--shard i/k|auto [--shards K]] [--json]\n  Sample a generator. Shard i/k (0-based) writes rows [floor(i*n/k), floor((i+1)*n/k)) of the single run, and a shard\n  manifest beside it (<out>.shard.json; shard.json in a folder) for medsynth merge. --shard auto reads i and k from a Slurm array task (SLURM_ARRAY_TASK_ID, _MIN/_MAX/_COUNT) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX, with --shards K).\n  Table generators write one file (its extension names the format); image generators write a new folder\n  with one file per image (synthetic-000000.png, ...; --format, default png). The folder that holds <path> must exist.\n  Conditional generators: --classes name=count,... (adding up to N; default N spread evenly), written to labels.csv.\n  Translation generators: --source <image file|folder>, one output per source frame (N = the frames).\n',
  split:
    'medsynth split <in> --seed S --train <out> --holdout <out> [--fraction F]\n  Hold out a seeded share F (default 0.2, at most 0.9) of the rows: round(F*rows) rows go to --holdout, the rest to --train,\n  each in the original order. Formats by extension. The same file, F and S give the same split. Both outputs are real rows.\n' +
    READ_HELP,
  evaluate:
    "medsynth evaluate --real <path> --synth <path> [--holdout <path>] [--metrics id,...] [--types col=kind,...] [--json <file>] [--html <file>] [--markdown <file>]\n  Compute fidelity and privacy metrics and print a summary table. --types sets the real table's column kinds; the synthetic\n  and holdout tables follow the real one. Images (files, DICOM series, DICOMDIR or folders of images) are compared through an\n  embedder: --embedder <folder> (medsynth.embedder/1), default the built-in one; the report names it and its sha256.\n  [--embedder <folder>] [--ep cpu,...] [--quasi-identifiers col[:n],...] [--secret col] [--k K] [--target col] [--bootstrap B] [--seed S]\n" +
    METRIC_HELP +
    EVALUATE_SHARD_HELP +
    READ_HELP,
};

export async function convertCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  if (await isImageConversion(argv)) return convertImageCommand(argv, ctx);
  const args = parseCommandArgs('convert', argv, { ...DIALECT_OPTIONS, ...LIMIT_OPTIONS }, { min: 2, max: 2 });
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.convert);
  const [input, output] = args.positionals;
  if (!inferTableFormat(output))
    throw new MedSynthError('BAD_USAGE', `convert: cannot tell the output format from '${output}' (use .csv, .tsv, .parquet or .jsonl)`);
  if (resolve(input) === resolve(output))
    throw new MedSynthError('BAD_USAGE', 'convert: <out> must differ from <in>; sources are never overwritten');
  const limits = limitOptions(args, 'convert');
  const dialect = dialectOptions(args, 'convert');
  await checkOutputParent('convert', '<out>', output);
  const table = await readTableFile(input, { ...dialect, ...limits, signal: ctx.signal });
  printReaderNotes(ctx, input, table.provenance?.notes);
  await writeTableFile(resolve(output), table, ctx.signal);
  ctx.stdout(`wrote ${table.rowCount} rows × ${table.columns.length} columns to ${output}\n`);
}

export async function fitCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const args = parseCommandArgs(
    'fit',
    argv,
    {
      generator: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      ...FITTER_OPTIONS,
      ...READ_OPTIONS,
      ...LIMIT_OPTIONS,
    },
    { min: 1, max: 1 },
  );
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.fit);
  const settings = fitterSettings(args, 'fit');
  // The dataset's modality lists the built-in fitters (tables: copula); the first is the default.
  // A folder (a DICOM series, a folder of slices) is looked at by the engine once it has read it.
  const isFolder = await stat(args.positionals[0]).then(
    (st) => st.isDirectory(),
    () => false,
  );
  const modality = isFolder ? undefined : modalityForPath(args.positionals[0]);
  const fitters = modality?.fitters.map((f) => f.id) ?? [];
  const asked = args.strings.get('generator');
  if (asked !== undefined && fitters.length > 0 && !fitters.includes(asked))
    throw new MedSynthError('BAD_USAGE', `fit: unknown --generator '${asked}' (available: ${fitters.join(', ')})`);
  const generator = modality ? requireFitter(modality, asked, args.positionals[0]).id : asked;
  const outDir = requireString(args, 'fit', 'out');
  const limits = limitOptions(args, 'fit');
  const read = readSettingsOption(args, 'fit');
  await checkOutputParent('fit', '--out', outDir);
  const res = await fitGenerator({ dataset: args.positionals[0], generator, outDir, limits, read, settings, signal: ctx.signal });
  printReaderNotes(ctx, args.positionals[0], res.datasetNotes);
  if (args.flags.has('json'))
    ctx.stdout(
      `${JSON.stringify({ outDir: res.outDir, model: res.modelPath, manifest: res.manifestPath, rows: res.rows, columns: res.columns }, null, 2)}\n`,
    );
  else ctx.stdout(`fitted a ${res.generator.title} on ${res.sizeWords} -> ${res.modelPath}, ${res.manifestPath}\n`);
}

export function parseProviders(list: readonly string[] | undefined): ExecutionProviderName[] | undefined {
  if (!list) return undefined;
  if (list.length === 0) throw new MedSynthError('BAD_USAGE', '--ep needs at least one provider');
  return list.map((ep) => {
    if (!isExecutionProviderName(ep))
      throw new MedSynthError('BAD_USAGE', `unknown execution provider '${ep}' (known: ${KNOWN_EXECUTION_PROVIDERS.join(', ')})`);
    return ep;
  });
}

export async function generateCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    ep: { type: 'string' },
    batch: { type: 'string' },
    shard: { type: 'string' },
    shards: { type: 'string' },
    format: { type: 'string' },
    classes: { type: 'string' },
    source: { type: 'string' },
    json: { type: 'boolean' },
  } as const;
  const args = parseCommandArgs('generate', argv, spec, { min: 1, max: 1 });
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.generate);
  const n = requireInteger(args, 'generate', 'n', 1);
  const seed = requireInteger(args, 'generate', 'seed', 0, ' (the same seed gives the same rows)');
  const batch = integerOption(args, 'generate', 'batch', 1);
  const shardText = args.strings.get('shard');
  const shards = integerOption(args, 'generate', 'shards', 1);
  if (shards !== undefined && shardText?.trim() !== 'auto')
    throw new MedSynthError('BAD_USAGE', 'generate: --shards K goes with --shard auto');
  const shard =
    shardText?.trim() === 'auto'
      ? shardFromEnvironment(process.env, shards).shard
      : shardText !== undefined
        ? parseShard(shardText)
        : undefined;
  const executionProviders = parseProviders(listOption(args, 'ep'));
  const out = requireString(args, 'generate', 'out');
  const format = args.strings.get('format');
  // A path no writer's extension claims is a folder for generators that write one file per sample
  // (images); the engine says which, once it has read the generator's manifest.
  await checkOutputParent('generate', '--out', out);
  const res = await generateSynthetic({
    generatorPath: args.positionals[0],
    n,
    seed,
    out,
    ...(format !== undefined ? { format } : {}),
    ...(args.strings.has('classes') ? { classCounts: parseClassCounts(args.strings.get('classes') ?? '') } : {}),
    ...(args.strings.has('source') ? { source: args.strings.get('source') } : {}),
    batch,
    shard,
    executionProviders,
    signal: ctx.signal,
    onLog: (level, m) => level !== 'info' && ctx.stderr(`medsynth: ${m}\n`),
  });
  // A shard's part gets its manifest beside it (<out>.shard.json; shard.json in a folder) for medsynth merge.
  if (shard) await writeShardManifest(res, ctx.signal);
  const runMs = res.msPerBatch.reduce((a, b) => a + b, 0);
  if (args.flags.has('json')) {
    ctx.stdout(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  const rate = runMs > 0 ? ` (${Math.round((res.rows * 1000) / runMs)} rows/s in session.run)` : '';
  const asked = executionProviders?.[0];
  const fallback = asked !== undefined && asked !== res.executionProvider ? ` (${asked} is not available here)` : '';
  if (res.files !== undefined) {
    ctx.stdout(
      `wrote ${res.rows} synthetic sample(s) ${res.firstRow}..${res.firstRow + res.rows - 1} (seed ${res.seed}) as ${res.files} file(s), ${res.format}, to ${res.out} on ${res.executionProvider}${fallback}\n`,
    );
    return;
  }
  ctx.stdout(
    `wrote ${res.rows} rows (global rows ${res.firstRow}..${res.firstRow + res.rows - 1}, seed ${res.seed}) to ${res.out} on ${res.executionProvider}${fallback}${rate}\n`,
  );
}

/** `--classes normal=60,nodule=40`: samples per class of a conditional generator. */
export function parseClassCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([^=]+?)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new MedSynthError('BAD_USAGE', `generate: --classes takes name=count pairs separated by commas, got '${part}'`);
    if (m[1] in counts) throw new MedSynthError('BAD_USAGE', `generate: --classes names '${m[1]}' twice`);
    counts[m[1]] = Number(m[2]);
  }
  return counts;
}

/** A holdout fraction given on the command line: a plain decimal number, checked again by the split. */
export function parseFraction(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()))
    throw new MedSynthError('BAD_USAGE', `split: --fraction must be a number greater than 0 and at most 0.9, got '${text}'`);
  const value = Number(text);
  if (!(value > 0 && value <= 0.9))
    throw new MedSynthError('BAD_USAGE', `split: --fraction must be greater than 0 and at most 0.9, got '${text}'`);
  return value;
}

export async function splitCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    fraction: { type: 'string' },
    seed: { type: 'string' },
    train: { type: 'string' },
    holdout: { type: 'string' },
    json: { type: 'boolean' },
    ...DIALECT_OPTIONS,
    ...LIMIT_OPTIONS,
  } as const;
  const args = parseCommandArgs('split', argv, spec, { min: 1, max: 1 });
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.split);
  const seed = requireInteger(args, 'split', 'seed', 0, ' (the same seed gives the same split)');
  const train = requireString(args, 'split', 'train');
  const holdout = requireString(args, 'split', 'holdout');
  const holdoutFraction = parseFraction(args.strings.get('fraction'), 0.2);
  const limits = limitOptions(args, 'split');
  const read = dialectOptions(args, 'split');
  await checkOutputParent('split', '--train', train);
  await checkOutputParent('split', '--holdout', holdout);
  const res = await splitTableFile({
    input: args.positionals[0],
    train,
    holdout,
    holdoutFraction,
    seed,
    limits,
    read,
    signal: ctx.signal,
  });
  if (args.flags.has('json')) {
    ctx.stdout(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  ctx.stdout(
    `split ${res.rows} rows (fraction ${res.holdoutFraction}, seed ${res.seed}): ${res.trainRows} -> ${res.train}, ${res.holdoutRows} -> ${res.holdout}\n`,
  );
}

/** The report files `evaluate` can write, by flag, in the order they are announced. */
const REPORT_FLAGS = [
  ['json', 'JSON report'],
  ['html', 'HTML report'],
  ['markdown', 'Markdown report'],
] as const;

export async function evaluateCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    real: { type: 'string' },
    synth: { type: 'string' },
    holdout: { type: 'string' },
    metrics: { type: 'string' },
    json: { type: 'string' },
    html: { type: 'string' },
    markdown: { type: 'string' },
    embedder: { type: 'string' },
    ep: { type: 'string' },
    seed: { type: 'string' },
    ...METRIC_OPTIONS,
    ...READ_OPTIONS,
    ...LIMIT_OPTIONS,
    ...EVALUATE_SHARD_OPTIONS,
  } as const;
  const args = parseCommandArgs('evaluate', argv, spec, { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.evaluate);
  const partials = mergeFiles(args);
  const real = requireString(args, 'evaluate', 'real');
  const synth = requireString(args, 'evaluate', 'synth');
  const limits = limitOptions(args, 'evaluate');
  const read = readSettingsOption(args, 'evaluate');
  const metrics = listOption(args, 'metrics');
  const metricOptions = metricOptionsFrom(args, 'evaluate', integerOption(args, 'evaluate', 'seed', 0));
  const holdoutPath = args.strings.get('holdout');
  if (args.strings.has('shard'))
    return evaluateShardCommand(args, ctx, { real, synth, holdout: holdoutPath, metrics, metricOptions, limits, read });
  const outputs = REPORT_FLAGS.flatMap(([flag, what]) => {
    const path = args.strings.get(flag);
    return path === undefined ? [] : [{ flag, what, path }];
  });
  for (const o of outputs) await checkOutputParent('evaluate', `--${o.flag}`, o.path);
  const report = await (partials ? (o: Parameters<typeof evaluateSynthetic>[0]) => evaluateMerged({ ...o, partials }) : evaluateSynthetic)({
    real,
    synth,
    holdout: holdoutPath,
    metrics,
    metricOptions,
    limits,
    read,
    json: args.strings.get('json'),
    html: args.strings.get('html'),
    markdown: args.strings.get('markdown'),
    ...(args.strings.get('embedder') !== undefined ? { embedder: args.strings.get('embedder') } : {}),
    ...(args.strings.has('ep') ? { executionProviders: parseProviders(listOption(args, 'ep')) } : {}),
    signal: ctx.signal,
  });
  printReaderNotes(ctx, real, report.real.notes);
  printReaderNotes(ctx, synth, report.synth.notes);
  const holdout = args.strings.get('holdout');
  if (holdout !== undefined) printReaderNotes(ctx, holdout, report.holdout?.notes);
  ctx.stdout(formatEvaluationSummary(report));
  for (const o of outputs) ctx.stdout(`wrote the ${o.what} to ${resolve(o.path)}\n`);
  // A metric that cannot be computed on these tables is a finding, not a failed run: the exit code
  // stays 0 and the report keeps its error field, but the user is told on stderr.
  const failed = report.metrics.filter((m) => m.error !== undefined);
  if (failed.length > 0) {
    ctx.stderr(
      `medsynth: ${failed.length} of ${report.metrics.length} metrics could not be computed (exit code stays 0): ${failed.map((m) => `${m.id}: ${(m.error ?? '').split('\n')[0]}`).join('; ')}\n`,
    );
  }
}
