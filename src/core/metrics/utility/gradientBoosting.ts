// Gradient-boosted regression trees on histogram-binned features, our own, after scikit-learn's
// HistGradientBoostingRegressor / Classifier (and LightGBM): fixed hyper-parameters, deterministic.
//   binning      per feature, from the training rows: with at most MAX_BINS distinct values, thresholds at
//                the midpoints between consecutive ones; otherwise the (midpoint) percentiles
//                linspace(0, 100, MAX_BINS + 1)[1:-1], duplicates dropped. A value v is in bin b when
//                threshold[b − 1] < v ≤ threshold[b] (HGB's _find_binning_thresholds and _map_to_bins).
//   losses       squared error (gradient raw − y, hessian 1, start = mean y); logistic for two classes
//                (gradient p − y, hessian p(1 − p), start = log-odds of the training share); softmax for
//                K > 2 classes, K trees a round on gradients p_k − [y = k] and hessians p_k(1 − p_k)
//                computed at the start of the round (start = log of the class shares)
//   trees        grown level by level to MAX_DEPTH (edges from the root), a node split only with
//                ≥ 2 · MIN_SAMPLES_LEAF rows; the split of largest gain G_L²/H_L + G_R²/H_R − G²/H
//                (λ = 0) over every feature and bin, with ≥ MIN_SAMPLES_LEAF rows and hessian ≥ 1e-3 on
//                each side and positive gain; ties keep the first feature, then the first bin. Leaf value
//                −LEARNING_RATE · G / (H + 1e-15).
// Histograms are built for the smaller child of a split and the sibling's taken as parent − child (the
// subtraction trick of LightGBM and HGB). scikit-learn's HGB grows leaf-wise (max_leaf_nodes); with
// max_leaf_nodes=None that is the same set of splits as our level-wise growth. HGB keeps a missing-value
// bin, which our features (imputed, plus indicators) never use, and float32 gradients, so a near-tie between
// two splits can go the other way (tstr.test.ts states the agreement measured).
// Cost: about (rows × features) per tree level; utility.tstr thins the training rows to 10,000.
import { MedSynthError } from '../../errors';

export const BOOSTING_ROUNDS = 100;
export const LEARNING_RATE = 0.1;
export const MAX_DEPTH = 3;
export const MIN_SAMPLES_LEAF = 20;
export const MAX_BINS = 255;
const MIN_HESSIAN = 1e-3;

export type BoostingLoss = 'squared' | 'logistic' | 'softmax';

interface Tree {
  /** Split feature per node, −1 for a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

export interface BoostedModel {
  readonly loss: BoostingLoss;
  /** Outputs per row: 1, or the number of classes for softmax. */
  readonly outputs: number;
  readonly baseline: Float64Array;
  /** trees[round * outputs + k]. */
  readonly trees: readonly Tree[];
  readonly features: number;
}

/** Binning thresholds of one feature (see the header). */
export function binThresholds(values: Float64Array, maxBins = MAX_BINS): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= maxBins) {
    const out = new Float64Array(Math.max(0, distinct.length - 1));
    for (let i = 0; i + 1 < distinct.length; i++) out[i] = (distinct[i] + distinct[i + 1]) / 2;
    return out;
  }
  const out: number[] = [];
  const n = sorted.length;
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    const v = (sorted[Math.floor(pos)] + sorted[Math.ceil(pos)]) / 2;
    if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
  }
  return Float64Array.from(out);
}

function binOf(thresholds: Float64Array, v: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= thresholds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Hist {
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly c: Float64Array;
}

interface Open {
  readonly node: number;
  readonly depth: number;
  /** Rows order[start, end) belong to the node. */
  readonly start: number;
  readonly end: number;
  readonly hist: Hist;
  readonly sumG: number;
  readonly sumH: number;
}

const B = MAX_BINS + 1;

function emptyHist(d: number): Hist {
  return { g: new Float64Array(d * B), h: new Float64Array(d * B), c: new Float64Array(d * B) };
}

/** Histograms of gradient, hessian and count per (feature, bin) over order[start, end). */
function buildHist(order: Int32Array, start: number, end: number, bins: Uint8Array, d: number, g: Float64Array, h: Float64Array): Hist {
  const hist = emptyHist(d);
  for (let k = start; k < end; k++) {
    const i = order[k];
    const gi = g[i];
    const hi = h[i];
    const at = i * d;
    for (let j = 0; j < d; j++) {
      const b = j * B + bins[at + j];
      hist.g[b] += gi;
      hist.h[b] += hi;
      hist.c[b]++;
    }
  }
  return hist;
}

/** parent − child, the sibling's histograms (the subtraction trick of LightGBM and HGB). */
function subtractHist(parent: Hist, child: Hist): Hist {
  const out = emptyHist(0);
  const n = parent.g.length;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const c = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    g[k] = parent.g[k] - child.g[k];
    h[k] = parent.h[k] - child.h[k];
    c[k] = parent.c[k] - child.c[k];
  }
  return { ...out, g, h, c };
}

interface Split {
  readonly feature: number;
  readonly bin: number;
  readonly gl: number;
  readonly hl: number;
}

/** The best split of a node (see the header), or null. */
function bestSplit(o: Open, thresholds: readonly Float64Array[], d: number): Split | null {
  const count = o.end - o.start;
  const parent = (o.sumG * o.sumG) / o.sumH;
  let best: Split | null = null;
  let bestGain = 0;
  for (let j = 0; j < d; j++) {
    const base = j * B;
    const lastBin = thresholds[j].length; // bins 0..lastBin hold values
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < lastBin; b++) {
      gl += o.hist.g[base + b];
      hl += o.hist.h[base + b];
      cl += o.hist.c[base + b];
      if (cl < MIN_SAMPLES_LEAF) continue;
      if (count - cl < MIN_SAMPLES_LEAF) break;
      const hr = o.sumH - hl;
      if (hl < MIN_HESSIAN || hr < MIN_HESSIAN) continue;
      const gr = o.sumG - gl;
      const gain = (gl * gl) / hl + (gr * gr) / hr - parent;
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: j, bin: b, gl, hl };
      }
    }
  }
  return best;
}

/** Grows one tree on gradients g and hessians h; writes each training row's leaf value (learning rate included) into `step`. */
function growTree(
  bins: Uint8Array,
  thresholds: readonly Float64Array[],
  n: number,
  d: number,
  g: Float64Array,
  h: Float64Array,
  step: Float64Array,
): Tree {
  const feature: number[] = [-1];
  const threshold: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const value: number[] = [0];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const scratch = new Int32Array(n);
  let sumG = 0;
  let sumH = 0;
  for (let i = 0; i < n; i++) {
    sumG += g[i];
    sumH += h[i];
  }
  const leaves: { node: number; start: number; end: number; g: number; h: number }[] = [];
  let open: Open[] = [{ node: 0, depth: 0, start: 0, end: n, hist: buildHist(order, 0, n, bins, d, g, h), sumG, sumH }];
  while (open.length > 0) {
    const next: Open[] = [];
    for (const o of open) {
      const split = o.depth < MAX_DEPTH && o.end - o.start >= 2 * MIN_SAMPLES_LEAF ? bestSplit(o, thresholds, d) : null;
      if (!split) {
        leaves.push({ node: o.node, start: o.start, end: o.end, g: o.sumG, h: o.sumH });
        continue;
      }
      const l = feature.length;
      const r = l + 1;
      feature.push(-1, -1);
      threshold.push(0, 0);
      left.push(-1, -1);
      right.push(-1, -1);
      value.push(0, 0);
      feature[o.node] = split.feature;
      threshold[o.node] = thresholds[split.feature][split.bin];
      left[o.node] = l;
      right[o.node] = r;
      // Stable partition of the node's rows: left ones first.
      let a = o.start;
      let z = 0;
      for (let k = o.start; k < o.end; k++) {
        const i = order[k];
        if (bins[i * d + split.feature] <= split.bin) order[a++] = i;
        else scratch[z++] = i;
      }
      order.set(scratch.subarray(0, z), a);
      const mid = a;
      const leftSmaller = mid - o.start <= o.end - mid;
      const small = leftSmaller ? buildHist(order, o.start, mid, bins, d, g, h) : buildHist(order, mid, o.end, bins, d, g, h);
      const large = o.depth + 1 < MAX_DEPTH ? subtractHist(o.hist, small) : small; // leaves need no histogram
      const [hl, hr] = leftSmaller ? [small, large] : [large, small];
      next.push(
        { node: l, depth: o.depth + 1, start: o.start, end: mid, hist: hl, sumG: split.gl, sumH: split.hl },
        { node: r, depth: o.depth + 1, start: mid, end: o.end, hist: hr, sumG: o.sumG - split.gl, sumH: o.sumH - split.hl },
      );
    }
    open = next;
  }
  // Leaf values from the rows each leaf holds (summed again, not from the histograms, for exact sums).
  for (const leaf of leaves) {
    let lg = 0;
    let lh = 0;
    for (let k = leaf.start; k < leaf.end; k++) {
      lg += g[order[k]];
      lh += h[order[k]];
    }
    const v = (-LEARNING_RATE * lg) / (lh + 1e-15);
    value[leaf.node] = v;
    for (let k = leaf.start; k < leaf.end; k++) step[order[k]] = v;
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Softmax of `k` raw scores at `at` into `out` at `at`. */
function softmaxRow(raw: Float64Array, at: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, raw[at + c]);
  let s = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(raw[at + c] - max);
    out[at + c] = e;
    s += e;
  }
  for (let c = 0; c < k; c++) out[at + c] /= s;
}

export interface BoostingFitOptions {
  /** Awaited between rounds (throws CANCELLED to stop, yields to the event loop). */
  readonly checkpoint?: () => Promise<void>;
  readonly rounds?: number;
}

/**
 * Fits on row-major `x` (`d` features per row) and `y`: numbers for 'squared', class indices 0..classes − 1
 * for 'logistic' (classes = 2) and 'softmax'.
 */
export async function fitGradientBoosting(
  x: Float64Array,
  d: number,
  y: Float64Array | Int32Array,
  loss: BoostingLoss,
  classes = 1,
  options: BoostingFitOptions = {},
): Promise<BoostedModel> {
  const n = y.length;
  if (n === 0 || x.length !== n * d) throw new MedSynthError('BAD_INPUT', `gradient boosting: expected ${n} rows × ${d} features`);
  const outputs = loss === 'softmax' ? classes : 1;
  const thresholds = Array.from({ length: d }, (_, j) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = x[i * d + j];
    return binThresholds(col);
  });
  const bins = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) bins[i * d + j] = binOf(thresholds[j], x[i * d + j]);
  const baseline = new Float64Array(outputs);
  if (loss === 'squared') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i];
    baseline[0] = s / n;
  } else if (loss === 'logistic') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i];
    const p = Math.min(1 - 1e-15, Math.max(1e-15, s / n));
    baseline[0] = Math.log(p / (1 - p));
  } else {
    const counts = new Float64Array(outputs);
    for (let i = 0; i < n; i++) counts[y[i]]++;
    for (let c = 0; c < outputs; c++) baseline[c] = Math.log(Math.max(1e-15, counts[c] / n));
  }
  const raw = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) raw.set(baseline, i * outputs);
  const prob = new Float64Array(n * outputs);
  const g = Array.from({ length: outputs }, () => new Float64Array(n));
  const h = Array.from({ length: outputs }, () => new Float64Array(n));
  const step = new Float64Array(n);
  const trees: Tree[] = [];
  const rounds = options.rounds ?? BOOSTING_ROUNDS;
  for (let round = 0; round < rounds; round++) {
    await options.checkpoint?.();
    for (let i = 0; i < n; i++) {
      if (loss === 'squared') {
        g[0][i] = raw[i] - y[i];
        h[0][i] = 1;
      } else if (loss === 'logistic') {
        const p = sigmoid(raw[i]);
        g[0][i] = p - y[i];
        h[0][i] = p * (1 - p);
      } else {
        softmaxRow(raw, i * outputs, outputs, prob);
        for (let c = 0; c < outputs; c++) {
          const p = prob[i * outputs + c];
          g[c][i] = p - (y[i] === c ? 1 : 0);
          h[c][i] = p * (1 - p);
        }
      }
    }
    for (let c = 0; c < outputs; c++) {
      trees.push(growTree(bins, thresholds, n, d, g[c], h[c], step));
      for (let i = 0; i < n; i++) raw[i * outputs + c] += step[i];
    }
  }
  return { loss, outputs, baseline, trees, features: d };
}

/** Raw scores (row-major, `outputs` per row) of `rows` rows of `x`. */
export function predictRawBoosting(model: BoostedModel, x: Float64Array, rows: number): Float64Array {
  const k = model.outputs;
  const d = model.features;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) out.set(model.baseline, i * k);
  model.trees.forEach((tree, t) => {
    const c = t % k;
    for (let i = 0; i < rows; i++) {
      let node = 0;
      while (tree.feature[node] >= 0) node = x[i * d + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      out[i * k + c] += tree.value[node];
    }
  });
  return out;
}

/** Class probabilities (row-major, `classes` per row) for the logistic and softmax losses. */
export function predictProbaBoosting(model: BoostedModel, x: Float64Array, rows: number): Float64Array {
  const raw = predictRawBoosting(model, x, rows);
  if (model.loss === 'logistic') {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(raw[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  if (model.loss === 'softmax') {
    const out = new Float64Array(raw.length);
    for (let i = 0; i < rows; i++) softmaxRow(raw, i * model.outputs, model.outputs, out);
    return out;
  }
  throw new MedSynthError('BAD_USAGE', 'gradient boosting: probabilities need a classification loss');
}
