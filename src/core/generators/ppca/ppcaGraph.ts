// Writes a fitted PPCA model (ppcaFit.ts) as a real ONNX graph (opset 17) plus its manifest, so the
// built-in image generator runs through exactly the same inference path as a user's model:
//
//   z [N, q + d] ~ N(0, I)
//   x = z[:, :q] W^T + mu + sigma * z[:, q:]        MatMul, Add, Mul, Add   ([N, d], channel-first)
//   image = Reshape(Clip(x, min, max), [-1, C, H, W])                         NCHW, modality units
//
// i.e. a sample of N(mu, W W^T + sigma^2 I) clipped to the value range of the training frames. The
// manifest's postprocess block is the image contract (modalities/image/imagePostprocess.ts) with
// outputRange = valueRange (the graph already emits modality units) and a `ppca` section for the
// generator card. The manifest is also stored in the model's metadata under MANIFEST_METADATA_KEY
// (onnx/generatorModel.ts).
import type { GeneratorManifest } from '../manifest';
import { encodeGenerator, floats, GraphNodes, int64s } from '../onnx/generatorModel';
import type { OnnxTensor } from '../onnx/model';
import type { PpcaModel } from './ppcaFit';
import type { TrainingImageInfo } from './ppcaImageInfo';

export const PPCA_LATENT_NAME = 'z';
export const PPCA_OUTPUT_NAME = 'image';

type Provenance = NonNullable<GeneratorManifest['provenance']>;

/** What the manifest records about the fit, for `medsynth inspect` and the generator card. */
export interface PpcaSummary {
  readonly components: number;
  readonly noiseVariance: number;
  readonly explainedVariance: number;
  readonly varianceKept: number;
  readonly maxComponents: number;
  readonly sizeCap: number;
  readonly trainingFrames: number;
  /** The leading eigenvalues of the sample covariance (at most 16), descending. */
  readonly leadingEigenvalues: readonly number[];
}

/** Shortest decimal that reads back as the same float32 (the graph's precision), for the manifest. */
function f32(v: number): number {
  return Number(Math.fround(v).toPrecision(9));
}

export function ppcaSummary(model: PpcaModel): PpcaSummary {
  return {
    components: model.components,
    noiseVariance: f32(model.noiseVariance),
    explainedVariance: f32(model.explainedVariance),
    varianceKept: model.varianceKept,
    maxComponents: model.maxComponents,
    sizeCap: model.sizeCap,
    trainingFrames: model.frames,
    leadingEigenvalues: Array.from(model.eigenvalues.subarray(0, 16), f32),
  };
}

export function buildPpcaGenerator(
  model: PpcaModel,
  info: TrainingImageInfo,
  provenance: Provenance = {},
): { onnx: Uint8Array; manifest: GeneratorManifest } {
  const { components: q, dims: d, channels: c, rows, columns } = model;
  const [lo, hi] = model.valueRange;
  const g = new GraphNodes();
  const init: OnnxTensor[] = [
    floats('W_T', [q, d], model.loadings),
    floats('mu', [d], model.mean),
    floats('sigma', [], [Math.sqrt(model.noiseVariance)]),
    floats('value_min', [], [lo]),
    floats('value_max', [], [hi]),
    int64s('axis1', [1]),
    int64s('latent_start', [0]),
    int64s('latent_end', [q]),
    int64s('noise_start', [q]),
    int64s('noise_end', [q + d]),
    int64s('image_shape', [-1, c, rows, columns]),
  ];
  const zq = g.op('Slice', [PPCA_LATENT_NAME, 'latent_start', 'latent_end', 'axis1'], 'z_latent');
  const ze = g.op('Slice', [PPCA_LATENT_NAME, 'noise_start', 'noise_end', 'axis1'], 'z_noise');
  const mean = g.op('Add', [g.op('MatMul', [zq, 'W_T'], 'zW'), 'mu'], 'x_mean');
  const x = g.op('Add', [mean, g.op('Mul', [ze, 'sigma'], 'x_noise')], 'x');
  g.op('Reshape', [g.op('Clip', [x, 'value_min', 'value_max'], 'x_clipped'), 'image_shape'], PPCA_OUTPUT_NAME);

  const manifest: GeneratorManifest = {
    schema: 'medsynth.generator/1',
    name: 'ppca',
    modality: 'image',
    family: 'single-pass',
    model: 'model.onnx',
    inputs: { latent: { name: PPCA_LATENT_NAME, shape: [-1, q + d], distribution: 'normal' } },
    outputs: { sample: { name: PPCA_OUTPUT_NAME } },
    postprocess: {
      layout: 'NCHW',
      channels: c,
      rows,
      columns,
      frames: 1,
      outputRange: [lo, hi],
      valueRange: [lo, hi],
      photometric: c === 3 ? 'RGB' : 'MONOCHROME2',
      ...(info.units !== undefined ? { units: info.units } : {}),
      ...(info.spacing !== undefined ? { spacing: info.spacing } : {}),
      ...(info.window !== undefined ? { window: info.window } : {}),
      dicomModality: info.dicomModality ?? 'OT',
      ppca: ppcaSummary(model),
    },
    provenance: { createdBy: 'medsynth fit --generator ppca', ...provenance },
  };
  return encodeGenerator(
    manifest,
    `Probabilistic PCA with ${q} components over ${rows}×${columns}${c === 3 ? ' RGB' : ''} frames, fitted on ${model.frames} frames.`,
    {
      name: 'ppca_image',
      nodes: g.nodes,
      initializers: init,
      inputs: [{ name: PPCA_LATENT_NAME, type: 'float', dims: ['N', q + d] }],
      outputs: [{ name: PPCA_OUTPUT_NAME, type: 'float', dims: ['N', c, rows, columns] }],
    },
  );
}
