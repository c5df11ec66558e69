// The prediction scores of utility.tstr, each as scikit-learn defines it (sklearn.metrics):
//   rocAuc              roc_auc_score for a binary target: P(positive scored above negative) + ½ P(tie),
//                       from average ranks (Mann–Whitney), equal to the trapezoid under the ROC curve
//   rocAucOvrMacro      roc_auc_score(multi_class='ovr', average='macro'): the mean over the classes of
//                       the binary AUC of "this class" against the rest on that class's probability;
//                       classes absent from the true labels are skipped here (scikit-learn raises)
//   balancedAccuracy    balanced_accuracy_score: the mean over the classes present in the true labels of
//                       the recall of that class
//   r2Score             r2_score: 1 − SS_res / SS_tot; for a constant truth 1 when predicted exactly and 0
//                       otherwise (scikit-learn's force_finite=True)
//   meanAbsoluteError   mean_absolute_error
import { MedSynthError } from '../../errors';

/** Binary ROC AUC of `scores` for `positive[i]` (1 = positive); NaN when one side is empty. Ties count ½. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  const n = scores.length;
  if (positive.length !== n) throw new MedSynthError('BAD_INPUT', `ROC AUC: ${n} scores for ${positive.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j + 2) / 2; // 1-based average rank of the tied run i..j
    for (let k = i; k <= j; k++)
      if (positive[order[k]] === 1) {
        rankSum += rank;
        nPos++;
      }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * One-vs-rest macro AUC: `proba` row-major (`classes` per row), `truth[i]` the class index. Classes with
 * no true row, or only true rows, are skipped; NaN when none is left.
 */
export function rocAucOvrMacro(proba: Float64Array, truth: Int32Array, classes: number): number {
  const n = truth.length;
  let sum = 0;
  let used = 0;
  const column = new Float64Array(n);
  const isClass = new Uint8Array(n);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < n; i++) {
      column[i] = proba[i * classes + k];
      isClass[i] = truth[i] === k ? 1 : 0;
    }
    const auc = rocAuc(column, isClass);
    if (Number.isNaN(auc)) continue;
    sum += auc;
    used++;
  }
  return used === 0 ? Number.NaN : sum / used;
}

/** Mean recall over the classes present in `truth` (class indices; predictions in the same indexing). */
export function balancedAccuracy(predicted: Int32Array, truth: Int32Array): number {
  const support = new Map<number, number>();
  const hits = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    support.set(truth[i], (support.get(truth[i]) ?? 0) + 1);
    if (predicted[i] === truth[i]) hits.set(truth[i], (hits.get(truth[i]) ?? 0) + 1);
  }
  if (support.size === 0) return Number.NaN;
  let sum = 0;
  for (const [k, s] of support) sum += (hits.get(k) ?? 0) / s;
  return sum / support.size;
}

/** Coefficient of determination; NaN for no rows; a constant truth gives 1 when predicted exactly, else 0 (sklearn). */
export function r2Score(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (truth[i] - predicted[i]) ** 2;
    ssTot += (truth[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

export function meanAbsoluteError(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(truth[i] - predicted[i]);
  return s / n;
}

// Weighted forms for the bootstrap: row i counts weights[i] times (its multiplicity in a resample), which
// gives the score of the resampled rows without copying or sorting them again.

/** Row indices ordered by ascending score (sort once, reuse for every resample). */
export function ascendingOrder(scores: ArrayLike<number>): Uint32Array {
  return Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
}

/** Binary ROC AUC with row weights: Σ w_p w_n ([s_p > s_n] + ½ [s_p = s_n]) / (W_pos · W_neg); NaN when one side weighs 0. */
export function rocAucWeighted(
  order: Uint32Array,
  scores: ArrayLike<number>,
  positive: (row: number) => boolean,
  weights: ArrayLike<number>,
): number {
  const n = order.length;
  let negBelow = 0;
  let pairs = 0;
  let wPos = 0;
  let wNeg = 0;
  for (let a = 0; a < n;) {
    const s = scores[order[a]];
    let gp = 0;
    let gn = 0;
    let b = a;
    for (; b < n && scores[order[b]] === s; b++) {
      const i = order[b];
      if (positive(i)) gp += weights[i];
      else gn += weights[i];
    }
    pairs += gp * (negBelow + gn / 2);
    negBelow += gn;
    wPos += gp;
    wNeg += gn;
    a = b;
  }
  return wPos === 0 || wNeg === 0 ? Number.NaN : pairs / (wPos * wNeg);
}

/** Balanced accuracy with row weights (classes of positive weight only). */
export function balancedAccuracyWeighted(predicted: Int32Array, truth: Int32Array, weights: ArrayLike<number>): number {
  const support = new Map<number, number>();
  const hits = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const w = weights[i];
    if (w === 0) continue;
    support.set(truth[i], (support.get(truth[i]) ?? 0) + w);
    if (predicted[i] === truth[i]) hits.set(truth[i], (hits.get(truth[i]) ?? 0) + w);
  }
  if (support.size === 0) return Number.NaN;
  let sum = 0;
  for (const [k, s] of support) sum += (hits.get(k) ?? 0) / s;
  return sum / support.size;
}

/** R² and MAE with row weights. */
export function regressionScoresWeighted(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  weights: ArrayLike<number>,
): { r2: number; mae: number } {
  let w = 0;
  let mean = 0;
  for (let i = 0; i < truth.length; i++) {
    w += weights[i];
    mean += weights[i] * truth[i];
  }
  if (w === 0) return { r2: Number.NaN, mae: Number.NaN };
  mean /= w;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = truth[i] - predicted[i];
    ssRes += weights[i] * e * e;
    ssTot += weights[i] * (truth[i] - mean) ** 2;
    abs += weights[i] * Math.abs(e);
  }
  return { r2: ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot, mae: abs / w };
}
