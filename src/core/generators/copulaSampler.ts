// The copula's sampling math in plain TypeScript: an independent implementation of what the ONNX graph
// computes, used by tests to check the graph and usable without a runtime.
import { COPULA_KNOTS } from './copula';
import type { CopulaModel } from './copula';
import { copulaLayout } from './copulaLayout';
import { normalCdf } from './normal';

/**
 * Maps a row-major [rows, D] standard-normal latent block to the [rows, D] feature block the graph
 * outputs: scaled continuous values, category indices, then missing indicators (1 = missing).
 */
export function sampleCopula(model: CopulaModel, latent: Float32Array, rows: number): Float32Array {
  const layout = copulaLayout(model);
  const d = layout.dims;
  if (latent.length !== rows * d) throw new RangeError(`latent has ${latent.length} values, expected ${rows} x ${d}`);
  const out = new Float32Array(rows * d);
  const y = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const z = latent.subarray(r * d, (r + 1) * d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += layout.factor[i * d + j] * z[j];
      y[i] = s;
    }
    for (let i = 0; i < d; i++) {
      const u = normalCdf(y[i]);
      let value: number;
      if (i < layout.continuous) {
        // Inverse marginal: linear interpolation between the two knots around u * (K - 1).
        const pos = u * (COPULA_KNOTS - 1);
        const lo = Math.min(Math.max(Math.floor(pos), 0), COPULA_KNOTS - 2);
        const knots = layout.knots.subarray(i * COPULA_KNOTS, (i + 1) * COPULA_KNOTS);
        value = knots[lo] + (pos - lo) * (knots[lo + 1] - knots[lo]);
      } else if (i < layout.continuous + layout.categorical) {
        const c = i - layout.continuous;
        value = 0;
        for (let k = 0; k < layout.thresholdWidth; k++) if (layout.thresholds[c * layout.thresholdWidth + k] < u) value++;
      } else {
        value = u < layout.missingRates[i - layout.continuous - layout.categorical] ? 1 : 0;
      }
      out[r * d + i] = value;
    }
  }
  return out;
}
