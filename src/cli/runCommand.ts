// `medsynth run`: the whole job in one command, exactly what VS Code's "Run Full Loop" does — hold out
// a seeded share of the rows in memory, fit the built-in copula on the rest, generate, evaluate with the
// holdout — into <workspace>/<output-folder>/<run-id>/. No file with real rows is written.
import { dirname, isAbsolute, relative } from 'node:path';
import { MedSynthError } from '../core/errors';
import { modalityById } from '../core/modalities/registry';
import { runFullLoop } from '../engine/fullLoop';
import { integerOption, LIMIT_OPTIONS, limitOptions, listOption, parseCommandArgs } from './args';
import { parseProviders, printReaderNotes, READ_HELP } from './commands';
import { READ_OPTIONS, readSettingsOption } from './readOptions';
import { FITTER_HELP, FITTER_OPTIONS, fitterSettings } from './fitterOptions';
import { METRIC_HELP, METRIC_OPTIONS, metricOptionsFrom } from './metricFlags';
import type { CliContext } from './commands';
import { formatEvaluationSummary } from './summary';

export const RUN_HELP =
  'medsynth run <dataset> [--workspace <dir>] [--output-folder synthetic] [--n N] [--seed S] [--holdout-fraction F] [--types col=kind,...] [--ep cuda,cpu] [--metrics id,...] [--json]\n' +
  '  Fit -> generate -> evaluate in one go, as the VS Code command Run Full Loop does. F (default 0.2, 0 = none) of the rows\n' +
  '  are held out in memory for the privacy verdict; outputs go to <workspace>/<output-folder>/<run-id>/ (workspace: the\n' +
  "  dataset's folder unless given, and it must exist); no file with real rows is written. --types sets column kinds\n" +
  '  (numeric, categorical, datetime, boolean, identifier, text); run.json records the kinds used. Images (a DICOM file or\n' +
  '  series folder, DICOMDIR, NIfTI, PNG/JPEG or a folder of them): frames are held out, PPCA is fitted, the synthetic images\n' +
  "  go to the run's synthetic/ folder as PNGs.\n" +
  FITTER_HELP +
  METRIC_HELP +
  READ_HELP;

/** 0 turns the holdout off; otherwise (0, 0.9], as for `split`. */
function holdoutFraction(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 0.9) {
    throw new MedSynthError('BAD_USAGE', `run: --holdout-fraction must be 0 (no holdout) or a number up to 0.9, got '${text}'`);
  }
  return value;
}

export async function runCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    workspace: { type: 'string' },
    'output-folder': { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    'holdout-fraction': { type: 'string' },
    ep: { type: 'string' },
    metrics: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
    ...FITTER_OPTIONS,
    ...METRIC_OPTIONS,
    ...READ_OPTIONS,
    ...LIMIT_OPTIONS,
  } as const;
  const args = parseCommandArgs('run', argv, spec, { min: 1, max: 1 });
  if (args.flags.has('help')) return ctx.stdout(RUN_HELP);
  const dataset = args.positionals[0];
  const workspaceRoot = args.strings.get('workspace') ?? dirname(dataset);
  const fitSettings = fitterSettings(args, 'run');
  const result = await runFullLoop({
    dataset,
    workspaceRoot,
    ...(fitSettings ? { fitSettings } : {}),
    outputFolder: args.strings.get('output-folder'),
    n: integerOption(args, 'run', 'n', 1),
    seed: integerOption(args, 'run', 'seed', 0),
    batch: integerOption(args, 'run', 'batch', 1),
    holdoutFraction: holdoutFraction(args.strings.get('holdout-fraction')),
    metrics: listOption(args, 'metrics'),
    metricOptions: metricOptionsFrom(args, 'run'),
    limits: limitOptions(args, 'run'),
    read: readSettingsOption(args, 'run'),
    executionProviders: parseProviders(listOption(args, 'ep')),
    signal: ctx.signal,
    onLog: (level, m) => level !== 'info' && ctx.stderr(`medsynth: ${m}\n`),
  });
  printReaderNotes(ctx, dataset, result.notes);
  if (args.flags.has('json')) {
    const { report, ...rest } = result;
    ctx.stdout(
      `${JSON.stringify({ ...rest, metrics: report.metrics.map((m) => ({ id: m.id, score: m.score, error: m.error, notApplicable: m.notApplicable })) }, null, 2)}\n`,
    );
    return;
  }
  const h = result.holdout;
  // What the dataset's items are called (rows of a table, frames of images), from its modality.
  const items = modalityById(result.report.modality)?.itemNoun ?? 'rows';
  const split =
    'skipped' in h
      ? `no holdout (${h.skipped})`
      : `held out ${h.holdoutRows} of ${h.sourceRows} ${items} in memory (fraction ${h.fraction}, seed ${h.seed})`;
  ctx.stdout(`run ${result.runId}: ${split}; ${result.generate.rows} synthetic ${items} on ${result.generate.executionProvider}\n`);
  ctx.stdout(formatEvaluationSummary(result.report));
  const shown = relative(process.cwd(), result.runDir);
  const where = shown === '' || shown.startsWith('..') || isAbsolute(shown) ? result.runDir : shown;
  ctx.stdout(
    `outputs in ${where}: ${Object.values(result.files)
      .map((f) => relative(result.runDir, f))
      .join(', ')}\n`,
  );
}
