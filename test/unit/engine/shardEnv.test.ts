// `--shard auto`: the shard read from a scheduler's environment. Expected shards are worked out by hand
// from the variables Slurm documents for job arrays (sbatch(1), "OUTPUT ENVIRONMENT VARIABLES") and
// the one Kubernetes sets for indexed Jobs (JOB_COMPLETION_INDEX).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { shardFromEnvironment } from '../../../src/engine/shardEnv';

function refuses(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && pattern.test(e.message));
}

describe('shardFromEnvironment', () => {
  it('reads a Slurm array task: --array=0-3 gives tasks 0..3 of 4', () => {
    for (const id of [0, 1, 2, 3]) {
      const env = { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4' };
      const got = shardFromEnvironment(env);
      assert.deepEqual(got.shard, { index: id, count: 4 });
      assert.equal(got.scheduler, 'slurm');
    }
  });

  it('counts from MIN/MAX alone, from COUNT alone, and offsets an array that does not start at 0', () => {
    assert.deepEqual(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_MAX: '9' }).shard, {
      index: 2,
      count: 5,
    });
    assert.deepEqual(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '2' }).shard, {
      index: 1,
      count: 2,
    });
  });

  it('follows a step: --array=0-8:2 is 5 tasks, task 6 is index 3', () => {
    const env = {
      SLURM_ARRAY_TASK_ID: '6',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '8',
      SLURM_ARRAY_TASK_STEP: '2',
      SLURM_ARRAY_TASK_COUNT: '5',
    };
    assert.deepEqual(shardFromEnvironment(env).shard, { index: 3, count: 5 });
  });

  it('accepts a matching --shards and refuses one that differs from the array', () => {
    const env = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4' };
    assert.deepEqual(shardFromEnvironment(env, 4).shard, { index: 2, count: 4 });
    refuses(() => shardFromEnvironment(env, 8), /has 4 tasks, but --shards says 8/);
  });

  it('refuses a list array (0,2,5), whose tasks are not a range', () => {
    const env = { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '5', SLURM_ARRAY_TASK_COUNT: '3' };
    refuses(() => shardFromEnvironment(env), /not a plain range/);
  });

  it('refuses a task id outside its array and Slurm variables that are missing or not numbers', () => {
    refuses(
      () => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' }),
      /not a task of the array 0-3/,
    );
    refuses(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }), /without SLURM_ARRAY_TASK_MIN/);
    refuses(
      () => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_MIN: '0' }),
      /SLURM_ARRAY_TASK_ID must be a whole number, got 'x'/,
    );
    refuses(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_MAX: '2' }), /below/);
    refuses(() => shardFromEnvironment({ SLURM_JOB_ID: '42' }), /Slurm job 42 is not an array job/);
  });

  it('reads a Kubernetes indexed Job with --shards K, and refuses it without K or past K', () => {
    const got = shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 4);
    assert.deepEqual(got.shard, { index: 3, count: 4 });
    assert.equal(got.scheduler, 'kubernetes');
    refuses(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }), /needs --shards K/);
    refuses(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 4), /JOB_COMPLETION_INDEX=4 is not below --shards 4/);
    refuses(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 0), /--shards must be a whole number of at least 1/);
  });

  it('refuses an environment with no scheduler at all, naming both variables', () => {
    refuses(() => shardFromEnvironment({ HOME: '/root' }), /neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX/);
  });
});
