// The models of utility.tstr behind one call: fit on training features, predict the test features.
//   classification  logistic regression (logisticRegression.ts, scikit-learn's C = 1 objective; more than
//                   two classes one-vs-rest, each class's probability divided by the row's sum, as
//                   LogisticRegression(multi_class='ovr').predict_proba) and gradient boosting (logistic
//                   loss for two classes, softmax for more)
//   regression      ridge with a tiny penalty (linearRegression.ts) and gradient boosting (squared loss)
import { throwIfAborted } from '../../errors';
import { decisionFunction, fitLogisticRegression } from '../logisticRegression';
import { fitGradientBoosting, predictProbaBoosting, predictRawBoosting } from './gradientBoosting';
import { fitRidge, predictLinear } from './linearRegression';

export type ModelName = 'logisticRegression' | 'linearRegression' | 'gradientBoosting';

export const CLASSIFICATION_MODELS: readonly ModelName[] = ['logisticRegression', 'gradientBoosting'];
export const REGRESSION_MODELS: readonly ModelName[] = ['linearRegression', 'gradientBoosting'];

export interface TrainingSet {
  readonly x: Float64Array;
  readonly features: number;
  /** Class indices (classification) or numbers (regression). */
  readonly y: Int32Array | Float64Array;
  /** Number of classes; 0 for regression. */
  readonly classes: number;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** One-vs-rest logistic probabilities of the test rows (`classes` per row); `between` is awaited before each class's fit. */
export async function logisticProba(
  train: TrainingSet,
  xTest: Float64Array,
  rows: number,
  between: () => Promise<void> = async () => {},
  signal?: AbortSignal,
): Promise<Float64Array> {
  const { x, features: d, y, classes: k } = train;
  const checkpoint = (): void => throwIfAborted(signal);
  const testZ = async (c: number): Promise<Float64Array> => {
    await between();
    const labels = Uint8Array.from(y, (v) => (v === c ? 1 : 0));
    const fit = fitLogisticRegression(x, labels, d, { c: 1, checkpoint });
    return d === 0 ? new Float64Array(rows).fill(fit.intercept) : decisionFunction(xTest, d, fit);
  };
  const out = new Float64Array(rows * k);
  if (k === 2) {
    const z = await testZ(1);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(z[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  for (let c = 0; c < k; c++) {
    const z = await testZ(c);
    for (let i = 0; i < rows; i++) out[i * k + c] = sigmoid(z[i]);
  }
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += out[i * k + c];
    for (let c = 0; c < k; c++) out[i * k + c] /= s;
  }
  return out;
}

/**
 * Fits `model` on `train` and returns its predictions for `rows` test rows: class probabilities
 * (`train.classes` per row) or numbers.
 */
export async function fitPredict(
  model: ModelName,
  train: TrainingSet,
  xTest: Float64Array,
  rows: number,
  checkpoint: () => Promise<void>,
  signal?: AbortSignal,
): Promise<Float64Array> {
  await checkpoint();
  if (model === 'logisticRegression') return logisticProba(train, xTest, rows, checkpoint, signal);
  if (model === 'linearRegression') {
    const fit = fitRidge(train.x, Float64Array.from(train.y), train.features);
    return train.features === 0 ? new Float64Array(rows).fill(fit.intercept) : predictLinear(xTest, train.features, fit);
  }
  if (train.classes === 0) {
    const fit = await fitGradientBoosting(train.x, train.features, train.y, 'squared', 1, { checkpoint });
    return predictRawBoosting(fit, xTest, rows);
  }
  const fit = await fitGradientBoosting(train.x, train.features, train.y, train.classes === 2 ? 'logistic' : 'softmax', train.classes, {
    checkpoint,
  });
  return predictProbaBoosting(fit, xTest, rows);
}
