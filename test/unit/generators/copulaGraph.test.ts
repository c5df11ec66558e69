// The copula written as ONNX: it loads in onnxruntime-node, matches the Python numpy evaluation of the
// same graph (committed by test/reference/models_copula.py graph after onnx.checker passed) and the
// TypeScript sampler on the same latent input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { MANIFEST_METADATA_KEY } from '../../../src/core/generators/onnx/generatorModel';
import { sampleCopula } from '../../../src/core/generators/copulaSampler';
import { fillLatent } from '../../../src/core/generators/latent';
import { validateManifest } from '../../../src/core/generators/manifestValidation';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import { COPULA_FIXTURES, MIXED_KINDS, ROOT, readCsvTable, readF32 } from './copulaFixtures';

/** |a - b| <= 1e-4 * max(1, |b|): relative for large values, absolute for the [0, 1]-scaled features. */
function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-4 * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

async function runOnnx(onnx: Uint8Array, latent: Float32Array, rows: number, dims: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({ z: new ort.Tensor('float32', latent, [rows, dims]) });
  return out.x.data as Float32Array;
}

const mixed = readCsvTable(join(COPULA_FIXTURES, 'mixed_source.csv'), MIXED_KINDS);
const model = fitCopula(mixed);
const built = buildCopulaGenerator(model, { trainedOn: 'mixed_source.csv' });
const graphInfo = JSON.parse(readFileSync(join(COPULA_FIXTURES, 'graph.json'), 'utf8')) as {
  rows: number;
  dims: number;
  irVersion: number;
  opset: number;
};

test('the written ONNX declares ir_version 8, opset 17 and carries its manifest in metadata_props', () => {
  const info = readOnnxModelInfo(built.onnx);
  assert.equal(info.irVersion, 8);
  assert.deepEqual(info.opsets, [{ domain: '', version: 17 }]);
  assert.deepEqual(info.inputs, [{ name: 'z', dims: ['N', 9], type: 'float32' }]);
  assert.deepEqual(info.outputs, [{ name: 'x', dims: ['N', 9], type: 'float32' }]);
  const manifest = validateManifest(JSON.parse(info.metadata[MANIFEST_METADATA_KEY]), 'metadata');
  assert.deepEqual(manifest, JSON.parse(JSON.stringify(built.manifest)));
  // The Python side read the committed file independently and passed onnx.checker's full check.
  assert.equal(graphInfo.irVersion, 8);
  assert.equal(graphInfo.opset, 17);
});

test('onnxruntime output equals the numpy evaluation of the graph from Python (fixed latent)', async () => {
  const latent = readF32(join(COPULA_FIXTURES, 'latent.f32'));
  const expected = readF32(join(COPULA_FIXTURES, 'expected.f32'));
  assert.equal(graphInfo.dims, 9);
  const fresh = await runOnnx(built.onnx, latent, graphInfo.rows, graphInfo.dims);
  assertClose(fresh, expected, 'freshly built model vs numpy');
  const committed = await runOnnx(readFileSync(join(COPULA_FIXTURES, 'model.onnx')), latent, graphInfo.rows, graphInfo.dims);
  assertClose(committed, expected, 'committed model vs numpy');
});

test('onnxruntime output equals sampleCopula on the same latent input (2000 rows)', async () => {
  const rows = 2000;
  const latent = fillLatent(42, 0, rows, 9, 'normal');
  assertClose(await runOnnx(built.onnx, latent, rows, 9), sampleCopula(model, latent, rows), 'onnxruntime vs sampleCopula');
});

test('a numeric-only table (breast_cancer.csv, 31 columns) also runs and matches the sampler', async () => {
  const bc = fitCopula(readCsvTable(join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv')));
  const { onnx, manifest } = buildCopulaGenerator(bc);
  const dims = manifest.inputs.latent.shape[1];
  assert.equal(dims, 31);
  const latent = fillLatent(5, 0, 500, dims, 'normal');
  assertClose(await runOnnx(onnx, latent, 500, dims), sampleCopula(bc, latent, 500), 'breast cancer');
});
