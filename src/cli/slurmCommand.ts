// `medsynth slurm generate ...` and `medsynth slurm evaluate ...`: print (or write with --write) the
// sbatch script of a sharded generate or evaluate run, with the two sbatch commands that submit it and
// the merge after it; `--kubernetes` gives an indexed Job manifest instead. For generate the generator
// is read here to know whether its parts are files (tables: .csv, .tsv, .jsonl) or folders (images);
// for evaluate the evaluate flags are checked here and passed to every shard and the merge as given.
// The text comes from src/engine/schedulerScripts.ts.
import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { MedSynthError } from '../core/errors';
import { modalityForManifest, requireOutputs } from '../core/modalities/registry';
import { folderFormat } from '../engine/sampleOutput';
import {
  kubernetesEvaluateManifest,
  kubernetesGenerateManifest,
  slurmEvaluateScript,
  slurmEvaluateSubmitCommands,
  slurmGenerateScript,
  slurmSubmitCommands,
} from '../engine/schedulerScripts';
import type { ShardedEvaluateJob, ShardedGenerateJob, ShardedJobResources } from '../engine/schedulerScripts';
import { loadGenerator } from '../storage/generatorFolder';
import { writeFileAtomic } from '../storage/atomic';
import { LIMIT_OPTIONS, integerOption, limitOptions, listOption, parseCommandArgs, requireInteger, requireString } from './args';
import type { ParsedArgs } from './args';
import type { CliContext } from './commands';
import { parseProviders } from './commands';
import { METRIC_OPTIONS, metricOptionsFrom } from './metricFlags';
import { checkOutputParent } from './outputs';
import { READ_OPTIONS, readSettingsOption } from './readOptions';

export const SLURM_HELP =
  'medsynth slurm generate <model-dir> --n N --seed S --out <dir> --shards K [--cpus C] [--mem 4G] [--time 01:00:00]\n' +
  '       [--ep cuda,cpu] [--format F] [--batch B] [--job-name NAME] [--partition P] [--medsynth CMD] [--write <file>]\n' +
  '       [--kubernetes [--image IMAGE] [--claim PVC]]\n' +
  '  Print a ready sbatch script: an array job of K tasks (--array=0-(K-1)), each with C CPUs (default 1), --mem and --time\n' +
  '  (and --gres=gpu:1 with --ep cuda), running generate --shard auto into <dir>/part-<task>.csv (a folder per part for\n' +
  '  image generators) with its shard manifest, logs in <dir>/logs/; then the merge into <dir>/synthetic.csv (or the folder\n' +
  '  <dir>/synthetic) as a dependent job: JOBID=$(sbatch --parsable <script>); sbatch --dependency=afterok:$JOBID ...\n' +
  '  --write <file> writes the script and prints the submit commands. --medsynth CMD is how tasks run MedSynth (default\n' +
  '  medsynth; e.g. "node /opt/medsynth/dist/cli.js"). --kubernetes prints an indexed Job (completionMode: Indexed,\n' +
  '  completions K; each pod reads JOB_COMPLETION_INDEX) and a merge Job, the run folder on PersistentVolumeClaim --claim.\n' +
  'medsynth slurm evaluate --real R --synth S [--holdout H] --out <dir> --shards K [--metrics id,...] [metric, --types and read\n' +
  '       flags] [--seed S] [--html] [--markdown] [--cpus C] [--mem 4G] [--time T] [--job-name NAME] [--partition P]\n' +
  '       [--medsynth CMD] [--write <file>] [--kubernetes [--image IMAGE] [--claim PVC]]\n' +
  '  The same for a sharded evaluate (tables): task i runs evaluate --shard auto --shards K --partial\n' +
  '  <dir>/partials/part-<i>.json; the dependent job runs evaluate --merge of the K partials with the same inputs and flags\n' +
  '  into <dir>/report.json (--html: also report.html, --markdown: report.md), the report a single evaluate gives.\n';

/** The resource flags every `slurm` job takes. */
const RESOURCE_OPTIONS = {
  out: { type: 'string' },
  shards: { type: 'string' },
  cpus: { type: 'string' },
  mem: { type: 'string' },
  time: { type: 'string' },
  'job-name': { type: 'string' },
  partition: { type: 'string' },
  medsynth: { type: 'string' },
  write: { type: 'string' },
  kubernetes: { type: 'boolean' },
  image: { type: 'string' },
  claim: { type: 'string' },
} as const;

/** The evaluate flags passed to every shard and the merge as given (checked here first). */
const EVALUATE_PASS_OPTIONS = {
  metrics: { type: 'string' },
  seed: { type: 'string' },
  ...METRIC_OPTIONS,
  ...READ_OPTIONS,
  ...LIMIT_OPTIONS,
} as const;

export async function slurmCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  if (argv[0] === 'evaluate') return slurmEvaluate(argv.slice(1), ctx);
  const spec = {
    ...RESOURCE_OPTIONS,
    n: { type: 'string' },
    seed: { type: 'string' },
    ep: { type: 'string' },
    format: { type: 'string' },
    batch: { type: 'string' },
  } as const;
  const args = parseCommandArgs('slurm', argv, spec, { min: 0, max: 2 });
  if (args.flags.has('help') || args.positionals.length === 0) {
    if (args.positionals.length === 0 && !args.flags.has('help'))
      throw new MedSynthError('BAD_USAGE', 'slurm: say what to run: medsynth slurm generate <model-dir> ... (see medsynth slurm --help)');
    return ctx.stdout(SLURM_HELP);
  }
  const [what, model] = args.positionals;
  if (what !== 'generate') throw new MedSynthError('BAD_USAGE', `slurm: unknown job '${what}' (known: generate, evaluate)`);
  if (model === undefined) throw new MedSynthError('BAD_USAGE', 'slurm generate: missing <model-dir>');
  const executionProviders = parseProviders(listOption(args, 'ep'));
  const job: Omit<ShardedGenerateJob, 'partSuffix' | 'merged' | 'format'> = {
    ...resourcesOf(args, 'slurm', 'medsynth-generate'),
    model: resolve(model),
    n: requireInteger(args, 'slurm', 'n', 1),
    seed: requireInteger(args, 'slurm', 'seed', 0, ' (the same seed gives the same rows)'),
    ...(executionProviders !== undefined ? { executionProviders } : {}),
    ...(args.strings.has('batch') ? { batch: integerOption(args, 'slurm', 'batch', 1) } : {}),
  };
  const full = { ...job, ...(await partsOf(job.model, args.strings.get('format'))) };
  if (args.flags.has('kubernetes')) {
    const text = kubernetesGenerateManifest(full, {
      image: args.strings.get('image') ?? 'medsynth:latest',
      claim: args.strings.get('claim') ?? 'medsynth-data',
    });
    return emit(ctx, args.strings.get('write'), text, () => [
      `kubectl apply -f ${args.strings.get('write') ?? ''} -l medsynth.step=generate`,
      `kubectl wait --for=condition=complete job/${full.jobName} --timeout=24h`,
      `kubectl apply -f ${args.strings.get('write') ?? ''} -l medsynth.step=merge`,
    ]);
  }
  const write = args.strings.get('write');
  const scriptPath = write !== undefined ? resolve(write) : `${full.jobName}.sbatch`;
  const text = slurmGenerateScript(full, scriptPath);
  return emit(ctx, write, text, () => slurmSubmitCommands(full, scriptPath));
}

function resourcesOf(args: ParsedArgs, command: string, jobName: string): ShardedJobResources {
  return {
    medsynth: args.strings.get('medsynth') ?? 'medsynth',
    shards: requireInteger(args, command, 'shards', 1),
    outDir: resolve(requireString(args, command, 'out')),
    cpus: integerOption(args, command, 'cpus', 1, 1) as number,
    mem: args.strings.get('mem') ?? '4G',
    time: args.strings.get('time') ?? '01:00:00',
    jobName: args.strings.get('job-name') ?? jobName,
    ...(args.strings.has('partition') ? { partition: args.strings.get('partition') } : {}),
  };
}

/** `slurm evaluate`: the evaluate flags checked as evaluate checks them, then passed on as given (paths made absolute). */
async function slurmEvaluate(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    ...RESOURCE_OPTIONS,
    ...EVALUATE_PASS_OPTIONS,
    real: { type: 'string' },
    synth: { type: 'string' },
    holdout: { type: 'string' },
    html: { type: 'boolean' },
    markdown: { type: 'boolean' },
  } as const;
  const command = 'slurm evaluate';
  const args = parseCommandArgs(command, argv, spec, { min: 0, max: 0 });
  if (args.flags.has('help')) return ctx.stdout(SLURM_HELP);
  const tables: Partial<Record<'real' | 'synth' | 'holdout', string>> = {};
  for (const which of ['real', 'synth', 'holdout'] as const) {
    const path = which === 'holdout' ? args.strings.get(which) : requireString(args, command, which);
    if (path === undefined) continue;
    tables[which] = resolve(path);
    const found = await stat(tables[which]).then(
      () => true,
      () => false,
    );
    if (!found) throw new MedSynthError('BAD_USAGE', `${command}: --${which} ${path} does not exist`);
  }
  // Syntax checks only (the columns are checked by the tasks against the real table): a typo fails here, not in K tasks.
  metricOptionsFrom(args, command, integerOption(args, command, 'seed', 0));
  readSettingsOption(args, command);
  limitOptions(args, command);
  const evaluateArgs = Object.keys(EVALUATE_PASS_OPTIONS).flatMap((name) => {
    const value = args.strings.get(name);
    return value === undefined ? [] : [`--${name}`, value];
  });
  const job: ShardedEvaluateJob = {
    ...resourcesOf(args, command, 'medsynth-evaluate'),
    real: tables.real as string,
    synth: tables.synth as string,
    ...(tables.holdout !== undefined ? { holdout: tables.holdout } : {}),
    evaluateArgs,
    reports: (['html', 'markdown'] as const).filter((r) => args.flags.has(r)),
  };
  const write = args.strings.get('write');
  if (args.flags.has('kubernetes')) {
    const text = kubernetesEvaluateManifest(job, {
      image: args.strings.get('image') ?? 'medsynth:latest',
      claim: args.strings.get('claim') ?? 'medsynth-data',
    });
    return emit(ctx, write, text, () => [
      `kubectl apply -f ${write ?? ''} -l medsynth.step=evaluate`,
      `kubectl wait --for=condition=complete job/${job.jobName} --timeout=24h`,
      `kubectl apply -f ${write ?? ''} -l medsynth.step=merge`,
    ]);
  }
  const scriptPath = write !== undefined ? resolve(write) : `${job.jobName}.sbatch`;
  return emit(ctx, write, slurmEvaluateScript(job, scriptPath), () => slurmEvaluateSubmitCommands(job, scriptPath));
}

async function emit(ctx: CliContext, write: string | undefined, text: string, submit: () => string[]): Promise<void> {
  if (write === undefined) return ctx.stdout(text);
  await checkOutputParent('slurm', '--write', write);
  await writeFileAtomic(resolve(write), text, ctx.signal);
  ctx.stdout(`wrote ${resolve(write)}; submit with:\n${submit().join('\n')}\n`);
}

/** Whether the generator's parts are files (and which extension) or folders (and which item format). */
async function partsOf(model: string, format: string | undefined): Promise<{ partSuffix: string; merged: string; format?: string }> {
  const gen = await loadGenerator(model);
  const modality = modalityForManifest(gen.manifest, gen.folder);
  const outputs = requireOutputs(modality, gen.folder);
  if (outputs.itemFormats !== undefined && outputs.itemFormats.length > 0)
    return { partSuffix: '', merged: outputs.defaultFile, format: folderFormat(modality, format, gen.folder) };
  const ext = format !== undefined ? `.${format.toLowerCase().replace(/^\./, '')}` : extname(outputs.defaultFile);
  if (!outputs.extensions.includes(ext))
    throw new MedSynthError('BAD_USAGE', `slurm: --format ${format ?? ext} is not a format this generator writes`, {
      expected: outputs.extensions.join(', '),
    });
  if (!['.csv', '.tsv', '.jsonl'].includes(ext))
    throw new MedSynthError('UNSUPPORTED', `slurm: medsynth merge cannot join ${ext} parts yet; use --format csv, tsv or jsonl`);
  return { partSuffix: ext, merged: `${basename(outputs.defaultFile, extname(outputs.defaultFile))}${ext}` };
}
