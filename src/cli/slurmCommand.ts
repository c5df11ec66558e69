// `medsynth slurm generate ...`: prints (or writes with --write) the sbatch script of a sharded generate
// run, with the two sbatch commands that submit it and the merge after it; `--kubernetes` gives an
// indexed Job manifest instead. The generator is read here to know whether its parts are files
// (tables: .csv, .tsv, .jsonl) or folders (images); the text comes from src/engine/schedulerScripts.ts.
import { basename, extname, resolve } from 'node:path';
import { MedSynthError } from '../core/errors';
import { modalityForManifest, requireOutputs } from '../core/modalities/registry';
import { folderFormat } from '../engine/sampleOutput';
import { kubernetesGenerateManifest, slurmGenerateScript, slurmSubmitCommands } from '../engine/schedulerScripts';
import type { ShardedGenerateJob } from '../engine/schedulerScripts';
import { loadGenerator } from '../storage/generatorFolder';
import { writeFileAtomic } from '../storage/atomic';
import { integerOption, listOption, parseCommandArgs, requireInteger, requireString } from './args';
import type { CliContext } from './commands';
import { parseProviders } from './commands';
import { checkOutputParent } from './outputs';

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
  '  completions K; each pod reads JOB_COMPLETION_INDEX) and a merge Job, the run folder on PersistentVolumeClaim --claim.\n';

export async function slurmCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const spec = {
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    shards: { type: 'string' },
    cpus: { type: 'string' },
    mem: { type: 'string' },
    time: { type: 'string' },
    ep: { type: 'string' },
    format: { type: 'string' },
    batch: { type: 'string' },
    'job-name': { type: 'string' },
    partition: { type: 'string' },
    medsynth: { type: 'string' },
    write: { type: 'string' },
    kubernetes: { type: 'boolean' },
    image: { type: 'string' },
    claim: { type: 'string' },
  } as const;
  const args = parseCommandArgs('slurm', argv, spec, { min: 0, max: 2 });
  if (args.flags.has('help') || args.positionals.length === 0) {
    if (args.positionals.length === 0 && !args.flags.has('help'))
      throw new MedSynthError('BAD_USAGE', 'slurm: say what to run: medsynth slurm generate <model-dir> ... (see medsynth slurm --help)');
    return ctx.stdout(SLURM_HELP);
  }
  const [what, model] = args.positionals;
  if (what !== 'generate') throw new MedSynthError('BAD_USAGE', `slurm: unknown job '${what}' (known: generate)`);
  if (model === undefined) throw new MedSynthError('BAD_USAGE', 'slurm generate: missing <model-dir>');
  const executionProviders = parseProviders(listOption(args, 'ep'));
  const job: Omit<ShardedGenerateJob, 'partSuffix' | 'merged' | 'format'> = {
    medsynth: args.strings.get('medsynth') ?? 'medsynth',
    model: resolve(model),
    n: requireInteger(args, 'slurm', 'n', 1),
    seed: requireInteger(args, 'slurm', 'seed', 0, ' (the same seed gives the same rows)'),
    shards: requireInteger(args, 'slurm', 'shards', 1),
    outDir: resolve(requireString(args, 'slurm', 'out')),
    cpus: integerOption(args, 'slurm', 'cpus', 1, 1) as number,
    mem: args.strings.get('mem') ?? '4G',
    time: args.strings.get('time') ?? '01:00:00',
    ...(executionProviders !== undefined ? { executionProviders } : {}),
    ...(args.strings.has('batch') ? { batch: integerOption(args, 'slurm', 'batch', 1) } : {}),
    jobName: args.strings.get('job-name') ?? 'medsynth-generate',
    ...(args.strings.has('partition') ? { partition: args.strings.get('partition') } : {}),
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
