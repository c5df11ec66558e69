// `--shard auto`: the shard a task is, read from its scheduler's environment, so one command line
// serves every task of an array. Slurm job arrays set SLURM_ARRAY_TASK_ID with the array's
// SLURM_ARRAY_TASK_MIN/MAX/COUNT (and _STEP for 0-9:2); Kubernetes indexed Jobs set
// JOB_COMPLETION_INDEX only, so their count comes from `--shards K` (the Job's completions). A pure
// function of the environment object: the CLI passes process.env, the tests plain objects.
import { MedSynthError } from '../core/errors';
import type { Shard } from './generate';

export type ShardEnvironment = Readonly<Record<string, string | undefined>>;

export interface ShardFromEnvironment {
  readonly shard: Shard;
  /** Which scheduler's variables gave it: 'slurm' or 'kubernetes'. */
  readonly scheduler: 'slurm' | 'kubernetes';
  /** The variables read, for messages and the shard manifest ('SLURM_ARRAY_TASK_ID=3, ...'). */
  readonly from: string;
}

const AUTO_HELP =
  'run it as a Slurm array task (sbatch --array=0-(K-1); see medsynth slurm) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX, with --shards K), or pass --shard i/k';

function wholeNumber(env: ShardEnvironment, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new MedSynthError('BAD_USAGE', `--shard auto: ${name} must be a whole number, got '${raw}'`);
  return value;
}

/**
 * The shard of this task. `shards` is `--shards K`: required for Kubernetes (the index alone does not
 * say how many there are), and for Slurm a check that the array has K tasks. BAD_USAGE, naming the
 * variables, where the environment is not an array task or its values do not make a shard.
 */
export function shardFromEnvironment(env: ShardEnvironment, shards?: number): ShardFromEnvironment {
  if (shards !== undefined && (!Number.isSafeInteger(shards) || shards < 1))
    throw new MedSynthError('BAD_USAGE', `--shards must be a whole number of at least 1, got '${shards}'`);
  const taskId = wholeNumber(env, 'SLURM_ARRAY_TASK_ID');
  if (taskId !== undefined) return slurmShard(env, taskId, shards);
  const index = wholeNumber(env, 'JOB_COMPLETION_INDEX');
  if (index !== undefined) {
    if (shards === undefined)
      throw new MedSynthError(
        'BAD_USAGE',
        "--shard auto in a Kubernetes indexed Job needs --shards K (the Job's completions): JOB_COMPLETION_INDEX gives the index only",
      );
    if (index >= shards)
      throw new MedSynthError('BAD_USAGE', `--shard auto: JOB_COMPLETION_INDEX=${index} is not below --shards ${shards}`, {
        expected: `completions: ${shards} in the Job, or --shards ${index + 1} or more`,
      });
    return { shard: { index, count: shards }, scheduler: 'kubernetes', from: `JOB_COMPLETION_INDEX=${index}, --shards ${shards}` };
  }
  if (env.SLURM_JOB_ID !== undefined)
    throw new MedSynthError(
      'BAD_USAGE',
      `--shard auto: Slurm job ${env.SLURM_JOB_ID} is not an array job (SLURM_ARRAY_TASK_ID is not set)`,
      {
        expected: 'sbatch --array=0-(K-1)',
      },
    );
  throw new MedSynthError(
    'BAD_USAGE',
    '--shard auto: no scheduler task index in the environment (neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set)',
    { expected: AUTO_HELP },
  );
}

function slurmShard(env: ShardEnvironment, taskId: number, shards: number | undefined): ShardFromEnvironment {
  const min = wholeNumber(env, 'SLURM_ARRAY_TASK_MIN');
  const max = wholeNumber(env, 'SLURM_ARRAY_TASK_MAX');
  const stated = wholeNumber(env, 'SLURM_ARRAY_TASK_COUNT');
  const step = wholeNumber(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  if (min === undefined || (max === undefined && stated === undefined))
    throw new MedSynthError(
      'BAD_USAGE',
      `--shard auto: SLURM_ARRAY_TASK_ID=${taskId} without SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX or SLURM_ARRAY_TASK_COUNT`,
      { expected: 'the variables sbatch --array sets for every task' },
    );
  if (step < 1) throw new MedSynthError('BAD_USAGE', `--shard auto: SLURM_ARRAY_TASK_STEP must be at least 1, got ${step}`);
  if (max !== undefined && max < min)
    throw new MedSynthError('BAD_USAGE', `--shard auto: SLURM_ARRAY_TASK_MAX=${max} is below SLURM_ARRAY_TASK_MIN=${min}`);
  const fromRange = max !== undefined ? Math.floor((max - min) / step) + 1 : undefined;
  if (stated !== undefined && fromRange !== undefined && stated !== fromRange)
    throw new MedSynthError(
      'BAD_USAGE',
      `--shard auto: the Slurm array is not a plain range (SLURM_ARRAY_TASK_COUNT=${stated}, but MIN=${min}, MAX=${max}, STEP=${step} make ${fromRange} tasks)`,
      { expected: 'sbatch --array=0-(K-1) (a %limit is fine; a list such as 0,2,5 is not)' },
    );
  const count = stated ?? (fromRange as number);
  const offset = taskId - min;
  if (offset < 0 || offset % step !== 0 || offset / step >= count)
    throw new MedSynthError(
      'BAD_USAGE',
      `--shard auto: SLURM_ARRAY_TASK_ID=${taskId} is not a task of the array ${min}-${max ?? min + (count - 1) * step}${step > 1 ? `:${step}` : ''}`,
    );
  const index = offset / step;
  if (shards !== undefined && shards !== count)
    throw new MedSynthError('BAD_USAGE', `--shard auto: the Slurm array has ${count} tasks, but --shards says ${shards}`, {
      expected: `sbatch --array=0-${shards - 1}, or --shards ${count}`,
    });
  const vars = [`SLURM_ARRAY_TASK_ID=${taskId}`, `SLURM_ARRAY_TASK_MIN=${min}`];
  if (max !== undefined) vars.push(`SLURM_ARRAY_TASK_MAX=${max}`);
  if (stated !== undefined) vars.push(`SLURM_ARRAY_TASK_COUNT=${stated}`);
  if (step !== 1) vars.push(`SLURM_ARRAY_TASK_STEP=${step}`);
  return { shard: { index, count }, scheduler: 'slurm', from: vars.join(', ') };
}
