// Train-synthetic-test-real beside train-real-test-real (utility.tstr), as rows a report view prints:
// per model and score, the value with real training rows, with synthetic ones, and the share of the
// real-trained model's skill above chance that the synthetic-trained one keeps.
import type { Report } from './model';

export interface UtilityRow {
  readonly model: string;
  /** The score compared: AUROC, balanced accuracy, R², MAE. */
  readonly measure: string;
  readonly trtr: number;
  readonly tstr: number;
  /** Share of TRTR's skill above chance kept by TSTR (per model, on its main measure); null when TRTR has none. */
  readonly skillKept: number | null;
}

export interface UtilityTable {
  readonly target: string;
  readonly task: string;
  readonly rows: readonly UtilityRow[];
}

const MODEL_NAMES: Readonly<Record<string, string>> = {
  logisticRegression: 'logistic regression',
  linearRegression: 'ridge regression',
  gradientBoosting: 'gradient boosting',
};

const MEASURES: Readonly<Record<string, string>> = {
  auroc: 'AUROC',
  balancedAccuracy: 'balanced accuracy',
  r2: 'R²',
  mae: 'MAE',
};

type Scores = Readonly<Record<string, unknown>>;

/** The TSTR vs TRTR rows of utility.tstr, or undefined when it was not computed. */
export function utilityTable(report: Report): UtilityTable | undefined {
  const m = report.metrics.find((x) => x.id === 'utility.tstr');
  if (!m || m.score === null) return undefined;
  const models = m.details.models as Readonly<Record<string, { tstr?: Scores; trtr?: Scores; skillKept?: unknown }>> | undefined;
  if (!models) return undefined;
  const rows: UtilityRow[] = [];
  for (const [model, r] of Object.entries(models)) {
    for (const [key, measure] of Object.entries(MEASURES)) {
      const trtr = r.trtr?.[key];
      const tstr = r.tstr?.[key];
      if (typeof trtr !== 'number' || typeof tstr !== 'number') continue;
      const kept = typeof r.skillKept === 'number' && (key === 'auroc' || key === 'r2') ? r.skillKept : null;
      rows.push({ model: MODEL_NAMES[model] ?? model, measure, trtr, tstr, skillKept: kept });
    }
  }
  return { target: String(m.details.target ?? ''), task: String(m.details.task ?? ''), rows };
}
