// Ready-to-submit job text for a sharded generate or evaluate run on an existing scheduler (pure
// builders; the CLI's `medsynth slurm` prints or writes them). Slurm: one array job of K tasks, each
// running `generate --shard auto` into <dir>/part-<task><ext> (or `evaluate --shard auto` into
// <dir>/partials/part-<task>.json), logs in <dir>/logs/, then the merge (`merge`, or `evaluate --merge`
// into <dir>/report.json) as a second job that starts only when every task succeeded
// (--dependency=afterok on the array's id, which `sbatch --parsable` prints). Kubernetes: an indexed
// Job (completionMode: Indexed, completions K; each pod reads JOB_COMPLETION_INDEX) and a merge Job,
// told apart by the label medsynth.step.
import { MedSynthError } from '../core/errors';

/** What every sharded job has: how its tasks run MedSynth, how many, where, and each task's resources. */
export interface ShardedJobResources {
  /** How the tasks run MedSynth: a command prefix ('medsynth', 'node /opt/medsynth/dist/cli.js'), inserted as written. */
  readonly medsynth: string;
  readonly shards: number;
  /** The run's folder: parts (or partials), merged output and logs go there. */
  readonly outDir: string;
  readonly cpus: number;
  /** Memory per task in Slurm's notation (4G, 500M). */
  readonly mem: string;
  /** Time limit per task in Slurm's notation (01:00:00, 2-00:00:00). */
  readonly time: string;
  readonly jobName: string;
  readonly partition?: string;
}

export interface ShardedGenerateJob extends ShardedJobResources {
  readonly model: string;
  readonly n: number;
  readonly seed: number;
  /** A part's extension ('.csv'); '' for generators that write a folder per part (then `format`, e.g. 'png'). */
  readonly partSuffix: string;
  readonly format?: string;
  /** The merged output's name inside outDir ('synthetic.csv', or 'synthetic' for a folder). */
  readonly merged: string;
  readonly executionProviders?: readonly string[];
  readonly batch?: number;
}

/** A shell word: as it is when it is plain, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Checks what sbatch and Kubernetes would refuse later, with BAD_USAGE naming the option now. */
export function checkJob(job: ShardedGenerateJob): void {
  checkResources(job, job.partSuffix + job.merged);
  if (job.n < job.shards)
    throw new MedSynthError('BAD_USAGE', `slurm: --n ${job.n} is less than --shards ${job.shards}: some shards would have no rows`);
}

/** The checks every job's resources need; `names` are the file names the job puts in outDir. */
function checkResources(job: ShardedJobResources, names: string): void {
  const bad = (m: string): MedSynthError => new MedSynthError('BAD_USAGE', `slurm: ${m}`);
  if (!Number.isSafeInteger(job.shards) || job.shards < 1) throw bad(`--shards must be a whole number of at least 1, got '${job.shards}'`);
  if (!Number.isSafeInteger(job.cpus) || job.cpus < 1) throw bad(`--cpus must be a whole number of at least 1, got '${job.cpus}'`);
  if (!/^\d+[KMGT]?$/i.test(job.mem)) throw bad(`--mem must be a size such as 4G or 500M, got '${job.mem}'`);
  if (!/^(?:\d+-)?\d+(?::\d\d){0,2}$/.test(job.time))
    throw bad(`--time must be minutes or [days-]hours:minutes:seconds such as 01:00:00, got '${job.time}'`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(job.jobName))
    throw bad(`--job-name must be letters, digits, '_', '.' or '-', got '${job.jobName}'`);
  if (job.partition !== undefined && !/^[A-Za-z0-9_.-]+$/.test(job.partition))
    throw bad(`--partition '${job.partition}' is not a partition name`);
  // #SBATCH lines are read by sbatch, not a shell: no quoting there, so the folder must be one plain word.
  if (!/^[A-Za-z0-9_./+@:-]+$/.test(job.outDir) || !/^[A-Za-z0-9_.-]*$/.test(names))
    throw bad(
      `the --out folder '${job.outDir}' must be a plain path (no spaces or quotes): Slurm's #SBATCH --output lines cannot quote it`,
    );
  if (job.medsynth.trim() === '') throw bad('--medsynth must name the command that runs MedSynth');
}

function usesGpu(job: ShardedJobResources & { readonly executionProviders?: readonly string[] }): boolean {
  return job.executionProviders?.includes('cuda') ?? false;
}

/** The generate command of one task; `index` is the shell expression of its 0-based index. */
function generateWords(job: ShardedGenerateJob): string[] {
  return [
    'generate',
    job.model,
    '--n',
    String(job.n),
    '--seed',
    String(job.seed),
    '--shard',
    'auto',
    '--shards',
    String(job.shards),
    ...(job.format !== undefined ? ['--format', job.format] : []),
    ...(job.executionProviders !== undefined ? ['--ep', job.executionProviders.join(',')] : []),
    ...(job.batch !== undefined ? ['--batch', String(job.batch)] : []),
  ];
}

function partPath(job: ShardedGenerateJob, index: string): string {
  return `${job.outDir}/part-${index}${job.partSuffix}`;
}

/** The merge step as one shell command line: every part by name, in index order. */
export function mergeCommandLine(job: ShardedGenerateJob): string {
  const parts = Array.from({ length: job.shards }, (_, i) => shellQuote(partPath(job, String(i))));
  return [job.medsynth, 'merge', ...parts, '--out', shellQuote(`${job.outDir}/${job.merged}`)].join(' ');
}

/** The #SBATCH options of an array job of one task per shard; `step` names its logs. */
function arrayOptions(job: ShardedJobResources, step: string, gpu: boolean): string[] {
  return [
    `--job-name=${job.jobName}`,
    `--array=0-${job.shards - 1}`,
    '--ntasks=1',
    `--cpus-per-task=${job.cpus}`,
    `--mem=${job.mem}`,
    `--time=${job.time}`,
    ...(gpu ? ['--gres=gpu:1'] : []),
    ...(job.partition !== undefined ? [`--partition=${job.partition}`] : []),
    `--output=${job.outDir}/logs/${step}-%A_%a.out`,
  ];
}

/** An sbatch script: its options, the comment lines, then the task's commands under set -euo pipefail. */
function sbatchScript(options: readonly string[], comments: readonly string[], commands: readonly string[]): string {
  return [
    '#!/bin/bash',
    ...options.map((o) => `#SBATCH ${o}`),
    ...comments.map((c) => `# ${c}`),
    'set -euo pipefail',
    ...commands,
    '',
  ].join('\n');
}

/** The sbatch script of the array job: one task per shard. */
export function slurmGenerateScript(job: ShardedGenerateJob, scriptName = `${job.jobName}.sbatch`): string {
  checkJob(job);
  const words = generateWords(job).map(shellQuote).join(' ');
  return sbatchScript(
    arrayOptions(job, 'generate', usesGpu(job)),
    [
      `MedSynth: ${job.shards} shard(s) of ${job.n} rows (seed ${job.seed}) from ${job.model}; task i writes`,
      `${partPath(job, 'i')} and its shard manifest. Submit with the merge as a dependent job:`,
      ...slurmSubmitCommands(job, scriptName).map((c) => `  ${c}`),
    ],
    // The folder and suffix are plain words (checkJob): only the task id is expanded.
    [`${job.medsynth} ${words} --out ${partPath(job, '"${SLURM_ARRAY_TASK_ID}"')}`],
  );
}

/**
 * The commands that submit an array job and the merge after it: the folders first (Slurm creates
 * neither the log folder nor the partials'), the array's id from `sbatch --parsable`, then the merge
 * with afterok, run by sbatch --wrap.
 */
function submitCommands(job: ShardedJobResources, scriptPath: string, mergeLine: string, folders: readonly string[]): string[] {
  const merge = [
    'sbatch',
    '--parsable',
    '--dependency=afterok:$JOBID',
    `--job-name=${job.jobName}-merge`,
    '--ntasks=1',
    '--cpus-per-task=1',
    `--mem=${job.mem}`,
    `--time=${job.time}`,
    ...(job.partition !== undefined ? [`--partition=${job.partition}`] : []),
    `--output=${job.outDir}/logs/merge-%j.out`,
    `--wrap=${shellQuote(mergeLine)}`,
  ];
  const mkdir = ['mkdir', '-p', ...folders.map((f) => shellQuote(`${job.outDir}/${f}`))].join(' ');
  return [mkdir, `JOBID=$(sbatch --parsable ${shellQuote(scriptPath)})`, merge.join(' ')];
}

/** The submit commands of a sharded generate run (slurmGenerateScript). */
export function slurmSubmitCommands(job: ShardedGenerateJob, scriptPath: string): string[] {
  return submitCommands(job, scriptPath, mergeCommandLine(job), ['logs']);
}

export interface ShardedEvaluateJob extends ShardedJobResources {
  readonly real: string;
  readonly synth: string;
  readonly holdout?: string;
  /** The evaluate flags every shard and the merge take alike (--metrics, --seed, metric, read and limit flags), as words. */
  readonly evaluateArgs: readonly string[];
  /** The reports the merge writes besides <outDir>/report.json: html (report.html), markdown (report.md). */
  readonly reports?: readonly ('html' | 'markdown')[];
}

/** Where task `index` (a shell expression or a number) writes its partial file. */
export function evaluatePartialPath(job: ShardedEvaluateJob, index: string): string {
  return `${job.outDir}/partials/part-${index}.json`;
}

function checkEvaluateJob(job: ShardedEvaluateJob): void {
  checkResources(job, 'report.json');
  for (const [flag, path] of [
    ['--real', job.real],
    ['--synth', job.synth],
    ['--holdout', job.holdout ?? 'x'],
  ] as const)
    if (path.trim() === '') throw new MedSynthError('BAD_USAGE', `slurm evaluate: ${flag} must name a table`);
}

/** The inputs and flags the shards and the merge share. */
function evaluateInputWords(job: ShardedEvaluateJob): string[] {
  return ['--real', job.real, '--synth', job.synth, ...(job.holdout !== undefined ? ['--holdout', job.holdout] : []), ...job.evaluateArgs];
}

/** One evaluate task's command line; `index` is the shell expression of its 0-based index (left unquoted). */
function evaluateTaskLine(job: ShardedEvaluateJob, index: string): string {
  const words = [...evaluateInputWords(job), '--shard', 'auto', '--shards', String(job.shards)].map(shellQuote).join(' ');
  return `${job.medsynth} evaluate ${words} --partial ${evaluatePartialPath(job, index)}`;
}

/** The merge step: evaluate --merge of every partial in index order, the same inputs, the reports into outDir. */
export function evaluateMergeCommandLine(job: ShardedEvaluateJob): string {
  const partials = Array.from({ length: job.shards }, (_, i) => evaluatePartialPath(job, String(i)));
  const reports = [
    '--json',
    `${job.outDir}/report.json`,
    ...(job.reports?.includes('html') ? ['--html', `${job.outDir}/report.html`] : []),
    ...(job.reports?.includes('markdown') ? ['--markdown', `${job.outDir}/report.md`] : []),
  ];
  return [job.medsynth, ...['evaluate', '--merge', ...partials, ...evaluateInputWords(job), ...reports].map(shellQuote)].join(' ');
}

/** The sbatch script of a sharded evaluate: task i writes <outDir>/partials/part-i.json. */
export function slurmEvaluateScript(job: ShardedEvaluateJob, scriptName = `${job.jobName}.sbatch`): string {
  checkEvaluateJob(job);
  return sbatchScript(
    arrayOptions(job, 'evaluate', false),
    [
      `MedSynth: evaluate ${job.synth} against ${job.real} in ${job.shards} shard(s) of the nearest-neighbour passes;`,
      `task i writes ${evaluatePartialPath(job, 'i')}. Submit with the merge (${job.outDir}/report.json) as a dependent job:`,
      ...slurmEvaluateSubmitCommands(job, scriptName).map((c) => `  ${c}`),
    ],
    [`mkdir -p ${job.outDir}/partials`, evaluateTaskLine(job, '"${SLURM_ARRAY_TASK_ID}"')],
  );
}

/** The submit commands of a sharded evaluate (slurmEvaluateScript). */
export function slurmEvaluateSubmitCommands(job: ShardedEvaluateJob, scriptPath: string): string[] {
  return submitCommands(job, scriptPath, evaluateMergeCommandLine(job), ['logs', 'partials']);
}

export interface KubernetesOptions {
  readonly image: string;
  /** A PersistentVolumeClaim mounted at the run's folder in every pod (the parts must reach the merge). */
  readonly claim: string;
}

/** A YAML scalar: JSON's quoted string (YAML reads JSON strings as they are). */
const q = (s: string): string => JSON.stringify(s);

interface KubernetesSteps {
  /** The indexed Job's step label ('generate', 'evaluate'); the merge Job's is 'merge'. */
  readonly step: string;
  readonly gpu: boolean;
  /** The first comment line. */
  readonly title: string;
  /** Each pod's command, reading $JOB_COMPLETION_INDEX. */
  readonly task: string;
  readonly merge: string;
}

/** Two Job manifests, the indexed Job then the merge Job, in one YAML stream. */
function kubernetesManifest(job: ShardedJobResources, opts: KubernetesOptions, steps: KubernetesSteps): string {
  const memory = kubernetesMemory(job.mem);
  const resources = (cpus: number): string[] => [
    '          resources:',
    '            requests:',
    `              cpu: ${q(String(cpus))}`,
    `              memory: ${q(memory)}`,
    '            limits:',
    `              memory: ${q(memory)}`,
    ...(steps.gpu ? [`              nvidia.com/gpu: ${q('1')}`] : []),
  ];
  const jobDoc = (name: string, step: string, indexed: boolean, command: string, cpus: number): string[] => [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${q(name)}`,
    '  labels:',
    `    medsynth.step: ${q(step)}`,
    'spec:',
    ...(indexed ? ['  completionMode: Indexed', `  completions: ${job.shards}`, `  parallelism: ${job.shards}`] : []),
    '  backoffLimit: 3',
    `  activeDeadlineSeconds: ${slurmTimeSeconds(job.time)}`,
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    `        - name: ${q(step)}`,
    `          image: ${q(opts.image)}`,
    `          command: ["/bin/sh", "-c", ${q(command)}]`,
    ...resources(cpus),
    '          volumeMounts:',
    '            - name: run',
    `              mountPath: ${q(job.outDir)}`,
    '      volumes:',
    '        - name: run',
    '          persistentVolumeClaim:',
    `            claimName: ${q(opts.claim)}`,
  ];
  return [
    `# ${steps.title}`,
    `# Apply the ${steps.step} Job, wait for it, then the merge Job:`,
    `#   kubectl apply -f <this file> -l medsynth.step=${steps.step}`,
    `#   kubectl wait --for=condition=complete job/${job.jobName} --timeout=${slurmTimeSeconds(job.time)}s`,
    '#   kubectl apply -f <this file> -l medsynth.step=merge',
    ...jobDoc(job.jobName, steps.step, true, steps.task, job.cpus),
    '---',
    ...jobDoc(`${job.jobName}-merge`, 'merge', false, steps.merge, 1),
    '',
  ].join('\n');
}

/** The indexed generate Job and the merge Job. */
export function kubernetesGenerateManifest(job: ShardedGenerateJob, opts: KubernetesOptions): string {
  checkJob(job);
  const words = generateWords(job).map(shellQuote).join(' ');
  const task = `${job.medsynth} ${words} --out ${partPath(job, '"$JOB_COMPLETION_INDEX"')}`;
  return kubernetesManifest(job, opts, {
    step: 'generate',
    gpu: usesGpu(job),
    title: `MedSynth on Kubernetes: ${job.shards} shard(s) of ${job.n} rows (seed ${job.seed}); pod i writes ${partPath(job, 'i')}.`,
    task: `mkdir -p ${shellQuote(job.outDir)} && ${task}`,
    merge: mergeCommandLine(job),
  });
}

/** The indexed evaluate Job (pod i writes partials/part-i.json) and the evaluate --merge Job. */
export function kubernetesEvaluateManifest(job: ShardedEvaluateJob, opts: KubernetesOptions): string {
  checkEvaluateJob(job);
  return kubernetesManifest(job, opts, {
    step: 'evaluate',
    gpu: false,
    title: `MedSynth on Kubernetes: evaluate in ${job.shards} shard(s); pod i writes ${evaluatePartialPath(job, 'i')}, the merge ${job.outDir}/report.json.`,
    task: `mkdir -p ${shellQuote(`${job.outDir}/partials`)} && ${evaluateTaskLine(job, '"$JOB_COMPLETION_INDEX"')}`,
    merge: evaluateMergeCommandLine(job),
  });
}

/** Slurm's memory (a bare number is megabytes; K/M/G/T binary) in Kubernetes' quantity notation. */
export function kubernetesMemory(mem: string): string {
  const m = /^(\d+)([KMGT]?)$/i.exec(mem);
  if (!m) throw new MedSynthError('BAD_USAGE', `slurm: --mem must be a size such as 4G or 500M, got '${mem}'`);
  return `${m[1]}${(m[2] || 'M').toUpperCase()}i`;
}

/** Slurm's time notation in seconds: minutes, m:s, h:m:s, d-h, d-h:m, d-h:m:s. */
export function slurmTimeSeconds(time: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d\d))?(?::(\d\d))?$/.exec(time);
  if (!m) throw new MedSynthError('BAD_USAGE', `slurm: --time '${time}' is not a Slurm time`);
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (days !== undefined) return days * 86400 + (a ?? 0) * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return (a ?? 0) * 3600 + (b ?? 0) * 60 + c;
  if (b !== undefined) return (a ?? 0) * 60 + b;
  return (a ?? 0) * 60;
}
