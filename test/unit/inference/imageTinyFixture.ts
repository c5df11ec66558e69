// Test helper: the tiny image generators of test/fixtures/models/image_tiny/ (written by
// test/reference/models_image_tiny.py with the onnx helper) and the numpy outputs it computed for them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import type { SampleCallOptions } from '../../../src/engine/inferenceClient';
import type { SampleCondition, SampleResult } from '../../../src/protocol/inference';
import { INFERENCE_SCRIPT } from './copulaFixture';

export const IMAGE_TINY = join(__dirname, '..', '..', 'fixtures', 'models', 'image_tiny');

export interface TinyGenerator {
  readonly dir: string;
  readonly modelPath: string;
  readonly manifest: GeneratorManifest;
  /** The manifest as JSON, for tests that change a field before validating. */
  readonly json: Record<string, unknown>;
}

export function tinyGenerator(name: string): TinyGenerator {
  const dir = join(IMAGE_TINY, name);
  const file = join(dir, 'medsynth.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { dir, modelPath: join(dir, 'model.onnx'), manifest: validateManifest(json, file), json };
}

interface Case {
  readonly seed: number;
  readonly firstRow: number;
  readonly rows: number;
  readonly sample: number[];
  readonly counts?: number[];
  readonly classes?: number[];
  readonly timesteps?: number[];
  readonly sources?: number[];
  readonly latents?: number[];
}

export interface Expected {
  readonly gan: Case;
  readonly gan_onehot: Case;
  readonly denoiser: Case;
  readonly denoiser_onehot: Case;
  readonly denoiser_index: Case;
  readonly latent: Case;
  readonly translate: Case;
  readonly embedder: { input: string; output: string; shape: number[]; images: number[]; features: number[] };
  readonly nan_denoiser: { timesteps: number[]; firstNanStep: number; firstNanTimestep: number };
}

export const EXPECTED = JSON.parse(readFileSync(join(IMAGE_TINY, 'expected.json'), 'utf8')) as Expected;

export function testClient(): InferenceClient {
  return new InferenceClient({ script: INFERENCE_SCRIPT, env: { ...process.env, MEDSYNTH_TEST_HOOKS: '1' } });
}

/** What a test sets in a sample request; the rest is fixed: CPU only, defaults first row 0, seed 1, batch 64. */
export interface TinySampleOptions {
  readonly firstRow?: number;
  readonly seed?: number;
  readonly batch?: number;
  readonly condition?: SampleCondition;
}

/** Samples `rows` rows of `gen` through `client` with the test defaults. */
export function sampleTiny(
  client: InferenceClient,
  gen: { modelPath: string; manifest: GeneratorManifest },
  rows: number,
  extra: TinySampleOptions = {},
  opts: SampleCallOptions = {},
): Promise<SampleResult> {
  return client.sample(
    {
      modelPath: gen.modelPath,
      manifest: gen.manifest,
      rows,
      firstRow: extra.firstRow ?? 0,
      seed: extra.seed ?? 1,
      batch: extra.batch ?? 64,
      executionProviders: ['cpu'],
      ...(extra.condition ? { condition: extra.condition } : {}),
    },
    opts,
  );
}

/** Within `rel` of the reference (relative, floored at 1); returns the largest difference seen. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what = ''): number {
  assert.equal(actual.length, expected.length, `${what} length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, diff);
    if (!(diff <= rel * Math.max(1, Math.abs(expected[i])))) assert.fail(`${what} value ${i}: ${actual[i]} vs reference ${expected[i]}`);
  }
  return worst;
}
