// Writes a fitted copula as a real ONNX graph (opset 17) plus its manifest, so the built-in generator
// runs through exactly the same inference and decoding path as a user's model.
import type { CopulaModel } from './copula';
import { COPULA_KNOTS } from './copula';
import { copulaLayout, copulaPostprocess } from './copulaLayout';
import type { GeneratorManifest } from './manifest';
import { encodeGenerator, floats, GraphNodes, int64s } from './onnx/generatorModel';
import type { OnnxTensor } from './onnx/model';

export const COPULA_LATENT_NAME = 'z';
export const COPULA_OUTPUT_NAME = 'x';
// Where the manifest sits in a model's metadata (defined with the wrapping in onnx/generatorModel.ts).

type Provenance = NonNullable<GeneratorManifest['provenance']>;

export function buildCopulaGenerator(model: CopulaModel, provenance: Provenance = {}): { onnx: Uint8Array; manifest: GeneratorManifest } {
  const layout = copulaLayout(model);
  const d = layout.dims;
  const m = layout.continuous;
  const c = layout.categorical;
  const lt = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) lt[j * d + i] = layout.factor[i * d + j];
  const init: OnnxTensor[] = [
    floats('L_T', [d, d], lt),
    floats('inv_sqrt2', [], [Math.SQRT1_2]),
    floats('one', [], [1]),
    floats('half', [], [0.5]),
    int64s('axis1', [1]),
  ];
  const g = new GraphNodes();
  // Correlate, then the standard normal CDF: u = 0.5 * (1 + erf(y / sqrt(2))).
  const y = g.op('MatMul', [COPULA_LATENT_NAME, 'L_T'], 'y');
  const u = g.op(
    'Mul',
    [g.op('Add', [g.op('Erf', [g.op('Mul', [y, 'inv_sqrt2'], 'y_scaled')], 'erf_y'), 'one'], 'erf_plus_one'), 'half'],
    'u',
  );
  const parts: string[] = [];
  if (m > 0) {
    // Inverse marginals: position u * (K - 1) in each column's knots, gathered from one flat table.
    init.push(
      int64s('cont_start', [0]),
      int64s('cont_end', [m]),
      floats('k_minus_1', [], [COPULA_KNOTS - 1]),
      floats('clip_lo', [], [0]),
      floats('clip_hi', [], [COPULA_KNOTS - 2]),
      int64s(
        'knot_offsets',
        Array.from({ length: m }, (_, k) => k * COPULA_KNOTS),
      ),
      { name: 'one_i64', type: 'int64', dims: [], data: BigInt64Array.of(1n) },
      floats('knots', [m * COPULA_KNOTS], layout.knots),
    );
    const pos = g.op('Mul', [g.op('Slice', [u, 'cont_start', 'cont_end', 'axis1'], 'u_cont'), 'k_minus_1'], 'knot_pos');
    const lo = g.op('Clip', [g.op('Floor', [pos], 'knot_floor'), 'clip_lo', 'clip_hi'], 'knot_lo');
    const frac = g.op('Sub', [pos, lo], 'knot_frac');
    const loIndex = g.op('Add', [g.op('Cast', [lo], 'knot_lo_i64', [{ name: 'to', type: 'int', value: 7 }]), 'knot_offsets'], 'gather_lo');
    const hiIndex = g.op('Add', [loIndex, 'one_i64'], 'gather_hi');
    const qlo = g.op('Gather', ['knots', loIndex], 'q_lo', [{ name: 'axis', type: 'int', value: 0 }]);
    const qhi = g.op('Gather', ['knots', hiIndex], 'q_hi', [{ name: 'axis', type: 'int', value: 0 }]);
    parts.push(g.op('Add', [qlo, g.op('Mul', [frac, g.op('Sub', [qhi, qlo], 'q_step')], 'q_delta')], 'x_cont'));
  }
  if (c > 0) {
    // Category index = number of cumulative-probability thresholds below u.
    init.push(
      int64s('cat_start', [m]),
      int64s('cat_end', [m + c]),
      int64s('axis2', [2]),
      floats('thresholds', [c, layout.thresholdWidth], layout.thresholds),
    );
    const ucat = g.op('Unsqueeze', [g.op('Slice', [u, 'cat_start', 'cat_end', 'axis1'], 'u_cat'), 'axis2'], 'u_cat3');
    const below = g.op('Cast', [g.op('Less', ['thresholds', ucat], 'below')], 'below_f', [{ name: 'to', type: 'int', value: 1 }]);
    parts.push(g.op('ReduceSum', [below, 'axis2'], 'x_cat', [{ name: 'keepdims', type: 'int', value: 0 }]));
  }
  if (layout.missing > 0) {
    init.push(int64s('miss_start', [m + c]), int64s('miss_end', [d]), floats('missing_rates', [layout.missing], layout.missingRates));
    const um = g.op('Slice', [u, 'miss_start', 'miss_end', 'axis1'], 'u_miss');
    parts.push(g.op('Cast', [g.op('Less', [um, 'missing_rates'], 'is_missing')], 'x_miss', [{ name: 'to', type: 'int', value: 1 }]));
  }
  g.op('Concat', parts, COPULA_OUTPUT_NAME, [{ name: 'axis', type: 'int', value: 1 }]);

  const manifest: GeneratorManifest = {
    schema: 'medsynth.generator/1',
    name: 'gaussian-copula',
    modality: 'table',
    family: 'single-pass',
    model: 'model.onnx',
    inputs: { latent: { name: COPULA_LATENT_NAME, shape: [-1, d], distribution: 'normal' } },
    outputs: { sample: { name: COPULA_OUTPUT_NAME } },
    postprocess: copulaPostprocess(model),
    provenance: { createdBy: 'medsynth gaussian copula', ...provenance },
  };
  return encodeGenerator(manifest, `Gaussian copula over ${model.order.length} columns fitted on ${model.sourceRows} rows.`, {
    name: 'gaussian_copula',
    nodes: g.nodes,
    initializers: init,
    inputs: [{ name: COPULA_LATENT_NAME, type: 'float', dims: ['N', d] }],
    outputs: [{ name: COPULA_OUTPUT_NAME, type: 'float', dims: ['N', d] }],
  });
}
