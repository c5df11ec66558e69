// A heavier single-pass table generator for the generation bench: the shape of a GAN/VAE decoder
// (latent 64 -> Gemm 512 + Relu -> Gemm 512 + Relu -> Gemm F), written with the project's own ONNX
// writer and seeded weights. It is not trained: the bench measures throughput, and what matters is
// that onnxruntime spends ~0.6 MFLOP per row, as a real decoder does, instead of ~1 µs per row.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratorManifest, TableColumnSpec } from '../src/core/generators/manifest';
import { encodeOnnxModel } from '../src/core/generators/onnx/model';
import type { OnnxNode, OnnxTensor } from '../src/core/generators/onnx/model';
import { mulberry32 } from '../test/seededRandom';

export const MLP_LATENT = 64;
export const MLP_HIDDEN = 512;
/** Numeric output columns; one one-hot categorical column with MLP_CATEGORIES levels follows them. */
export const MLP_NUMERIC = 12;
export const MLP_CATEGORIES = ['A', 'B', 'C', 'D'] as const;
export const MLP_FEATURES = MLP_NUMERIC + MLP_CATEGORIES.length;

/** Uniform weights with variance 2/fanIn (He), so activations keep their scale through the Relus. */
function dense(name: string, fanIn: number, fanOut: number, rand: () => number): OnnxTensor[] {
  const w = new Float32Array(fanIn * fanOut);
  const limit = Math.sqrt(6 / fanIn);
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * limit;
  const b = new Float32Array(fanOut);
  for (let i = 0; i < b.length; i++) b[i] = (rand() * 2 - 1) * 0.1;
  return [
    { name: `${name}_W`, type: 'float', dims: [fanIn, fanOut], data: w },
    { name: `${name}_b`, type: 'float', dims: [fanOut], data: b },
  ];
}

export function buildMlpGenerator(seed = 7): { onnx: Uint8Array; manifest: GeneratorManifest } {
  const rand = mulberry32(seed);
  const initializers = [
    ...dense('l1', MLP_LATENT, MLP_HIDDEN, rand),
    ...dense('l2', MLP_HIDDEN, MLP_HIDDEN, rand),
    ...dense('l3', MLP_HIDDEN, MLP_FEATURES, rand),
  ];
  const nodes: OnnxNode[] = [
    { opType: 'Gemm', inputs: ['z', 'l1_W', 'l1_b'], outputs: ['h1'], name: 'gemm1' },
    { opType: 'Relu', inputs: ['h1'], outputs: ['a1'], name: 'relu1' },
    { opType: 'Gemm', inputs: ['a1', 'l2_W', 'l2_b'], outputs: ['h2'], name: 'gemm2' },
    { opType: 'Relu', inputs: ['h2'], outputs: ['a2'], name: 'relu2' },
    { opType: 'Gemm', inputs: ['a2', 'l3_W', 'l3_b'], outputs: ['x'], name: 'gemm3' },
  ];
  const onnx = encodeOnnxModel({
    producerName: 'medsynth-bench',
    producerVersion: '0',
    graph: {
      name: 'mlp_decoder',
      nodes,
      initializers,
      inputs: [{ name: 'z', type: 'float', dims: ['batch', MLP_LATENT] }],
      outputs: [{ name: 'x', type: 'float', dims: ['batch', MLP_FEATURES] }],
    },
  });
  const columns: TableColumnSpec[] = [];
  for (let j = 0; j < MLP_NUMERIC; j++) {
    columns.push({
      name: `lab_${j + 1}`,
      kind: 'numeric',
      index: j,
      transform: { type: 'standard', mean: 50 + j, std: 5 + j / 2 },
      round: 2,
    });
  }
  columns.push({ name: 'ward', kind: 'categorical', categories: [...MLP_CATEGORIES], encoding: 'onehot', index: MLP_NUMERIC });
  const manifest: GeneratorManifest = {
    schema: 'medsynth.generator/1',
    name: 'bench-mlp-decoder',
    modality: 'table',
    family: 'single-pass',
    model: 'model.onnx',
    inputs: { latent: { name: 'z', shape: [-1, MLP_LATENT], distribution: 'normal' } },
    outputs: { sample: { name: 'x' } },
    postprocess: { columns, features: MLP_FEATURES },
    provenance: { createdBy: 'bench/mlpGenerator.ts (seeded, untrained)' },
  };
  return { onnx, manifest };
}

/** Writes the generator folder (model.onnx + medsynth.json) that `medsynth generate` loads. */
export function writeMlpGenerator(dir: string, seed = 7): GeneratorManifest {
  const { onnx, manifest } = buildMlpGenerator(seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), onnx);
  writeFileSync(join(dir, 'medsynth.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
