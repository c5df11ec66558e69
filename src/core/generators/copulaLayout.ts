// How a fitted copula maps onto latent dimensions and output features. Shared by the ONNX graph
// writer and the TypeScript sampler so both read the fitted numbers the same way; the arithmetic
// itself is written twice, independently (graph ops vs. scalar code).
import type { TableColumnSpec, TablePostprocess } from './manifest';
import type { CopulaCategoricalColumn, CopulaContinuousColumn, CopulaModel } from './copula';
import { COPULA_KNOTS } from './copula';

/** Thresholds beyond every uniform pad categorical rows that have fewer categories than the widest. */
export const THRESHOLD_PAD = 2;

export interface CopulaLayout {
  /** Continuous, categorical and missing-indicator feature counts; features = latent dims = D. */
  readonly continuous: number;
  readonly categorical: number;
  readonly missing: number;
  readonly dims: number;
  /** Block-diagonal lower factor, D x D row-major: the fitted Cholesky, identity for missing dims. */
  readonly factor: Float64Array;
  /** Knots scaled to [0, 1] per continuous column, [continuous, K] row-major (float32 keeps precision). */
  readonly knots: Float32Array;
  /** Cumulative category probabilities, [categorical, width] row-major, padded with THRESHOLD_PAD. */
  readonly thresholds: Float32Array;
  readonly thresholdWidth: number;
  readonly missingRates: Float32Array;
}

export function copulaLayout(model: CopulaModel): CopulaLayout {
  const cont = model.order
    .map((i) => model.columns[i])
    .filter((c): c is CopulaContinuousColumn => c.kind === 'numeric' || c.kind === 'datetime');
  const cats = model.order
    .map((i) => model.columns[i])
    .filter((c): c is CopulaCategoricalColumn => c.kind === 'categorical' || c.kind === 'boolean');
  const p = model.order.length;
  const dims = p + model.missingOrder.length;
  const factor = new Float64Array(dims * dims);
  for (let i = 0; i < dims; i++) {
    if (i >= p) factor[i * dims + i] = 1;
    else for (let j = 0; j <= i; j++) factor[i * dims + j] = model.cholesky[i * p + j];
  }
  const knots = new Float32Array(cont.length * COPULA_KNOTS);
  cont.forEach((c, m) => {
    const span = c.max - c.min;
    for (let k = 0; k < COPULA_KNOTS; k++) knots[m * COPULA_KNOTS + k] = span > 0 ? (c.knots[k] - c.min) / span : 0;
  });
  const width = Math.max(1, ...cats.map((c) => c.categories.length - 1));
  const thresholds = new Float32Array(cats.length * width).fill(THRESHOLD_PAD);
  cats.forEach((c, ci) => {
    let cum = 0;
    for (let k = 0; k < c.categories.length - 1; k++) {
      cum += c.probabilities[k];
      thresholds[ci * width + k] = cum;
    }
  });
  const missingRates = Float32Array.from(model.missingOrder, (i) => {
    const c = model.columns[i];
    return c.kind === 'identifier' || c.kind === 'text' ? 0 : c.missingRate;
  });
  return {
    continuous: cont.length,
    categorical: cats.length,
    missing: model.missingOrder.length,
    dims,
    factor,
    knots,
    thresholds,
    thresholdWidth: width,
    missingRates,
  };
}

/** The decoding spec for the copula's output, the same TablePostprocess a user's table model carries. */
export function copulaPostprocess(model: CopulaModel): TablePostprocess {
  const feature = new Map<number, number>(model.order.map((ci, f) => [ci, f]));
  const missingFeature = new Map<number, number>(model.missingOrder.map((ci, k) => [ci, model.order.length + k]));
  const columns = model.columns.map((c, ci): TableColumnSpec => {
    const missingIndex = missingFeature.get(ci);
    const miss = missingIndex === undefined ? {} : { missingIndex };
    switch (c.kind) {
      case 'numeric':
        return {
          name: c.name,
          kind: 'numeric',
          index: feature.get(ci) as number,
          transform: { type: 'minmax', min: c.min, max: c.max },
          integer: c.integer,
          ...(c.decimals !== undefined && !c.integer ? { round: c.decimals } : {}),
          ...miss,
        };
      case 'datetime':
        return {
          name: c.name,
          kind: 'datetime',
          index: feature.get(ci) as number,
          transform: { type: 'minmax', min: c.min, max: c.max },
          precision: c.precision ?? 'datetime',
          ...(c.format !== undefined ? { format: c.format } : {}),
          ...miss,
        };
      case 'categorical':
      case 'boolean':
        return {
          name: c.name,
          kind: c.kind,
          categories: c.categories,
          ...(c.kind === 'boolean' && c.labels !== undefined ? { labels: c.labels } : {}),
          encoding: 'index',
          index: feature.get(ci) as number,
          ...miss,
        };
      case 'identifier':
        return { name: c.name, kind: 'identifier', prefix: c.prefix };
      case 'text':
        // Free text is not modelled: emitting it would mean copying patients' notes, so it stays empty.
        return { name: c.name, kind: 'text', missingRate: 1 };
    }
  });
  return { columns, features: model.order.length + model.missingOrder.length };
}
