// The timestep tensor a diffusion denoiser is fed, in the type and rank its model declares: float32,
// int64 or int32; a scalar [], a single [1] or one per sample [N]. Anything else is MODEL_MISMATCH.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { timestepFeeder } from '../../../src/inference/diffusionRunner';

test('the timestep follows the model: type and rank', () => {
  const scalar = timestepFeeder({ name: 't', dims: [], type: 'float32' }, 't')(875, 3);
  assert.deepEqual([scalar.type, [...scalar.dims], [...(scalar.data as Float32Array)]], ['float32', [], [875]]);
  const one = timestepFeeder({ name: 't', dims: [1], type: 'int32' }, 't')(42, 5);
  assert.deepEqual([one.type, [...one.dims], [...(one.data as Int32Array)]], ['int32', [1], [42]]);
  const batch = timestepFeeder({ name: 't', dims: ['N'], type: 'int64' }, 't')(999, 3);
  assert.deepEqual([batch.type, [...batch.dims], [...(batch.data as BigInt64Array)]], ['int64', [3], [999n, 999n, 999n]]);
});

test('a timestep input of another type or rank, or none, is MODEL_MISMATCH', () => {
  const mismatch = (re: RegExp) => (e: unknown) => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH' && re.test(e.message);
  assert.throws(() => timestepFeeder({ name: 't', dims: ['N'], type: 'float16' }, 't'), mismatch(/type float16.*float32, int64 or int32/));
  assert.throws(() => timestepFeeder({ name: 't', dims: ['N', 1], type: 'float32' }, 't'), mismatch(/rank 2/));
  assert.throws(() => timestepFeeder(undefined, 'step'), mismatch(/no timestep input 'step'/));
});
