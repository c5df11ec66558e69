// Ready-to-submit job text for a sharded generate run on an existing scheduler (pure builders; the
// CLI's `medsynth slurm` prints or writes them). Slurm: one array job of K tasks, each running
// `generate --shard auto` into <dir>/part-<task><ext>, logs in <dir>/logs/, then `merge` as a second
// job that starts only when every task succeeded (--dependency=afterok on the array's id, which
// `sbatch --parsable` prints). Kubernetes: an indexed Job (completionMode: Indexed, completions K;
// each pod reads JOB_COMPLETION_INDEX) and a merge Job, told apart by the label medsynth.step.
import { MedSynthError } from '../core/errors';

export interface ShardedGenerateJob {
  /** How the tasks run MedSynth: a command prefix ('medsynth', 'node /opt/medsynth/dist/cli.js'), inserted as written. */
  readonly medsynth: string;
  readonly model: string;
  readonly n: number;
  readonly seed: number;
  readonly shards: number;
  /** The run's folder: parts, merged output and logs go there. */
  readonly outDir: string;
  /** A part's extension ('.csv'); '' for generators that write a folder per part (then `format`, e.g. 'png'). */
  readonly partSuffix: string;
  readonly format?: string;
  /** The merged output's name inside outDir ('synthetic.csv', or 'synthetic' for a folder). */
  readonly merged: string;
  readonly cpus: number;
  /** Memory per task in Slurm's notation (4G, 500M). */
  readonly mem: string;
  /** Time limit per task in Slurm's notation (01:00:00, 2-00:00:00). */
  readonly time: string;
  readonly executionProviders?: readonly string[];
  readonly batch?: number;
  readonly jobName: string;
  readonly partition?: string;
}

/** A shell word: as it is when it is plain, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Checks what sbatch and Kubernetes would refuse later, with BAD_USAGE naming the option now. */
export function checkJob(job: ShardedGenerateJob): void {
  const bad = (m: string): MedSynthError => new MedSynthError('BAD_USAGE', `slurm: ${m}`);
  if (!Number.isSafeInteger(job.shards) || job.shards < 1) throw bad(`--shards must be a whole number of at least 1, got '${job.shards}'`);
  if (job.n < job.shards) throw bad(`--n ${job.n} is less than --shards ${job.shards}: some shards would have no rows`);
  if (!Number.isSafeInteger(job.cpus) || job.cpus < 1) throw bad(`--cpus must be a whole number of at least 1, got '${job.cpus}'`);
  if (!/^\d+[KMGT]?$/i.test(job.mem)) throw bad(`--mem must be a size such as 4G or 500M, got '${job.mem}'`);
  if (!/^(?:\d+-)?\d+(?::\d\d){0,2}$/.test(job.time))
    throw bad(`--time must be minutes or [days-]hours:minutes:seconds such as 01:00:00, got '${job.time}'`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(job.jobName))
    throw bad(`--job-name must be letters, digits, '_', '.' or '-', got '${job.jobName}'`);
  if (job.partition !== undefined && !/^[A-Za-z0-9_.-]+$/.test(job.partition))
    throw bad(`--partition '${job.partition}' is not a partition name`);
  // #SBATCH lines are read by sbatch, not a shell: no quoting there, so the folder must be one plain word.
  if (!/^[A-Za-z0-9_./+@:-]+$/.test(job.outDir) || !/^[A-Za-z0-9_.-]*$/.test(job.partSuffix + job.merged))
    throw bad(
      `the --out folder '${job.outDir}' must be a plain path (no spaces or quotes): Slurm's #SBATCH --output lines cannot quote it`,
    );
  if (job.medsynth.trim() === '') throw bad('--medsynth must name the command that runs MedSynth');
}

function usesGpu(job: ShardedGenerateJob): boolean {
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

/** The sbatch script of the array job: one task per shard. */
export function slurmGenerateScript(job: ShardedGenerateJob, scriptName = `${job.jobName}.sbatch`): string {
  checkJob(job);
  const sbatch = [
    `--job-name=${job.jobName}`,
    `--array=0-${job.shards - 1}`,
    '--ntasks=1',
    `--cpus-per-task=${job.cpus}`,
    `--mem=${job.mem}`,
    `--time=${job.time}`,
    ...(usesGpu(job) ? ['--gres=gpu:1'] : []),
    ...(job.partition !== undefined ? [`--partition=${job.partition}`] : []),
    `--output=${job.outDir}/logs/generate-%A_%a.out`,
  ];
  const words = generateWords(job).map(shellQuote).join(' ');
  return [
    '#!/bin/bash',
    ...sbatch.map((o) => `#SBATCH ${o}`),
    `# MedSynth: ${job.shards} shard(s) of ${job.n} rows (seed ${job.seed}) from ${job.model}; task i writes`,
    `# ${partPath(job, 'i')} and its shard manifest. Submit with the merge as a dependent job:`,
    ...slurmSubmitCommands(job, scriptName).map((c) => `#   ${c}`),
    'set -euo pipefail',
    // The folder and suffix are plain words (checkJob): only the task id is expanded.
    `${job.medsynth} ${words} --out ${partPath(job, '"${SLURM_ARRAY_TASK_ID}"')}`,
    '',
  ].join('\n');
}

/**
 * The commands that submit the array job and the merge after it: the folder for the logs first
 * (Slurm does not create it), the array's id from `sbatch --parsable`, then the merge with afterok.
 */
export function slurmSubmitCommands(job: ShardedGenerateJob, scriptPath: string): string[] {
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
    `--wrap=${shellQuote(mergeCommandLine(job))}`,
  ];
  return [`mkdir -p ${shellQuote(`${job.outDir}/logs`)}`, `JOBID=$(sbatch --parsable ${shellQuote(scriptPath)})`, merge.join(' ')];
}

export interface KubernetesOptions {
  readonly image: string;
  /** A PersistentVolumeClaim mounted at the run's folder in every pod (the parts must reach the merge). */
  readonly claim: string;
}

/** A YAML scalar: JSON's quoted string (YAML reads JSON strings as they are). */
const q = (s: string): string => JSON.stringify(s);

/** Two Job manifests, the indexed generate Job then the merge Job, in one YAML stream. */
export function kubernetesGenerateManifest(job: ShardedGenerateJob, opts: KubernetesOptions): string {
  checkJob(job);
  const gpu = usesGpu(job);
  const words = generateWords(job).map(shellQuote).join(' ');
  const task = `${job.medsynth} ${words} --out ${partPath(job, '"$JOB_COMPLETION_INDEX"')}`;
  const memory = kubernetesMemory(job.mem);
  const resources = (cpus: number): string[] => [
    '          resources:',
    '            requests:',
    `              cpu: ${q(String(cpus))}`,
    `              memory: ${q(memory)}`,
    '            limits:',
    `              memory: ${q(memory)}`,
    ...(gpu ? [`              nvidia.com/gpu: ${q('1')}`] : []),
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
    `# MedSynth on Kubernetes: ${job.shards} shard(s) of ${job.n} rows (seed ${job.seed}); pod i writes ${partPath(job, 'i')}.`,
    '# Apply the generate Job, wait for it, then the merge Job:',
    '#   kubectl apply -f <this file> -l medsynth.step=generate',
    `#   kubectl wait --for=condition=complete job/${job.jobName} --timeout=${slurmTimeSeconds(job.time)}s`,
    '#   kubectl apply -f <this file> -l medsynth.step=merge',
    ...jobDoc(job.jobName, 'generate', true, `mkdir -p ${shellQuote(job.outDir)} && ${task}`, job.cpus),
    '---',
    ...jobDoc(`${job.jobName}-merge`, 'merge', false, mergeCommandLine(job), 1),
    '',
  ].join('\n');
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
