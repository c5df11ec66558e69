// utility.tstr against test/reference/tstr_reference.py (test/fixtures/reference/tstr.json): the scores on
// given predictions as scikit-learn's roc_auc_score / balanced_accuracy_score / r2_score /
// mean_absolute_error; the features as written there in pandas; our logistic regression (C = 1) and ridge
// (α = 1e-6) against LogisticRegression(newton-cholesky) / Ridge on the same features; our gradient
// boosting's holdout AUROC / R² against HistGradientBoosting with the same hyper-parameters. Known answers:
// synthetic = copy of real → TSTR = TRTR; a shuffled synthetic target → TSTR AUROC near ½.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import {
  ascendingOrder,
  balancedAccuracy,
  balancedAccuracyWeighted,
  meanAbsoluteError,
  r2Score,
  regressionScoresWeighted,
  rocAuc,
  rocAucOvrMacro,
  rocAucWeighted,
} from '../../../src/core/metrics/utility/classificationScores';
import { fitFeatureEncoder } from '../../../src/core/metrics/utility/features';
import { binThresholds } from '../../../src/core/metrics/utility/gradientBoosting';
import { fitRidge, predictLinear } from '../../../src/core/metrics/utility/linearRegression';
import { logisticProba } from '../../../src/core/metrics/utility/models';
import { computeTstr, MAX_TARGET_CLASSES, tstrMetric, TSTR_ID } from '../../../src/core/metrics/utility/tstr';
import { fitLogisticRegression } from '../../../src/core/metrics/logisticRegression';
import { buildColumn, loadReferenceJson } from './csvTable';

type Cells = Record<string, string[]>;
interface RunRef {
  featureNames: string[];
  xFirst: number[][];
  rows: number;
  logistic?: { coef: number[][]; intercept: number[]; probaFirst: number[][] };
  ridge?: { coef: number[]; intercept: number; pred: number[] };
  scores: Record<string, Record<string, number>>;
}
interface CaseRef {
  name: string;
  table: string;
  kinds: Record<string, ColumnKind>;
  target: string;
  task: 'classification' | 'regression';
  classes?: string[];
  trtr: RunRef;
  tstr: RunRef;
}
interface Fixture {
  scores: {
    binary: { truth: number[]; scores: number[]; auroc: number };
    multiclass: { truth: number[]; proba: number[]; classes: number; auroc: number; predicted: number[]; balancedAccuracy: number };
    regression: { truth: number[]; predicted: number[]; r2: number; mae: number };
  };
  tables: Record<string, { kinds: Record<string, ColumnKind>; real: Cells; synth: Cells; holdout: Cells }>;
  cases: CaseRef[];
}
const fixture = loadReferenceJson<Fixture>('tstr.json');

function table(cells: Cells, kinds: Record<string, ColumnKind>): Table {
  const names = Object.keys(kinds);
  return { rowCount: cells[names[0]].length, columns: names.map((n) => buildColumn(n, kinds[n], cells[n])) };
}
function tablesOf(c: CaseRef): { real: Table; synth: Table; holdout: Table } {
  const t = fixture.tables[c.table];
  return { real: table(t.real, c.kinds), synth: table(t.synth, c.kinds), holdout: table(t.holdout, c.kinds) };
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
/** Training rows (present target) and holdout rows (present target) of a case and run. */
function rowsWithTarget(t: Table, target: string): number[] {
  const col = t.columns.find((c) => c.name === target)!;
  const rows: number[] = [];
  for (let i = 0; i < t.rowCount; i++) {
    const empty =
      'codes' in col
        ? col.codes[i] < 0
        : 'values' in col && typeof col.values[i] === 'number'
          ? Number.isNaN(col.values[i] as number)
          : false;
    if (!empty) rows.push(i);
  }
  return rows;
}
const featureColumns = (c: CaseRef): string[] =>
  Object.entries(c.kinds)
    .filter(([n, k]) => n !== c.target && k !== 'identifier' && k !== 'text')
    .map(([n]) => n);

describe('utility.tstr scores against scikit-learn', () => {
  const s = fixture.scores;
  it('roc_auc_score (binary, ties) and one-vs-rest macro to 1e-12', () => {
    assert.ok(Math.abs(rocAuc(s.binary.scores, s.binary.truth) - s.binary.auroc) <= 1e-12);
    const auc = rocAucOvrMacro(Float64Array.from(s.multiclass.proba), Int32Array.from(s.multiclass.truth), s.multiclass.classes);
    assert.ok(Math.abs(auc - s.multiclass.auroc) <= 1e-12, `${auc} vs ${s.multiclass.auroc}`);
  });
  it('balanced_accuracy_score, r2_score, mean_absolute_error to 1e-12', () => {
    const ba = balancedAccuracy(Int32Array.from(s.multiclass.predicted), Int32Array.from(s.multiclass.truth));
    assert.ok(Math.abs(ba - s.multiclass.balancedAccuracy) <= 1e-12);
    assert.ok(Math.abs(r2Score(s.regression.predicted, s.regression.truth) - s.regression.r2) <= 1e-12);
    assert.ok(Math.abs(meanAbsoluteError(s.regression.predicted, s.regression.truth) - s.regression.mae) <= 1e-12);
  });
});

describe('utility.tstr models against scikit-learn', () => {
  for (const c of fixture.cases)
    for (const run of ['trtr', 'tstr'] as const) {
      const ref = c[run];
      it(`${c.name} ${run}: features as the pandas reference (1e-12)`, () => {
        const t = tablesOf(c);
        const train = run === 'trtr' ? t.real : t.synth;
        const rows = rowsWithTarget(train, c.target);
        assert.equal(rows.length, ref.rows);
        const enc = fitFeatureEncoder(train, rows, featureColumns(c));
        assert.deepEqual(enc.names, ref.featureNames);
        const x = enc.encode(train, rows.slice(0, 5));
        assert.ok(maxDiff(x, ref.xFirst.flat()) <= 1e-12);
      });
      if (ref.logistic)
        it(`${c.name} ${run}: logistic regression = LogisticRegression(C=1): coefficients within 1e-7 (measured ≤ 8.1e-9)`, async () => {
          const t = tablesOf(c);
          const train = run === 'trtr' ? t.real : t.synth;
          const rows = rowsWithTarget(train, c.target);
          const enc = fitFeatureEncoder(train, rows, featureColumns(c));
          const x = enc.encode(train, rows);
          const col = train.columns.find((k) => k.name === c.target)! as { codes: Int32Array; categories: readonly string[] };
          const labels = rows.map((r) => col.categories[col.codes[r]]);
          const classes = [...new Set(labels)].sort();
          const y = Int32Array.from(labels, (l) => classes.indexOf(l));
          const d = enc.names.length;
          const perClass = classes.length === 2 ? [1] : classes.map((_, k) => k);
          perClass.forEach((k, row) => {
            const fit = fitLogisticRegression(
              x,
              Uint8Array.from(y, (v) => (v === k ? 1 : 0)),
              d,
              { c: 1 },
            );
            assert.ok(maxDiff(fit.coef, ref.logistic!.coef[row]) <= 1e-7, `coef ${maxDiff(fit.coef, ref.logistic!.coef[row])}`);
            assert.ok(Math.abs(fit.intercept - ref.logistic!.intercept[row]) <= 1e-7);
          });
          const hold = rowsWithTarget(t.holdout, c.target);
          const proba = await logisticProba({ x, features: d, y, classes: classes.length }, enc.encode(t.holdout, hold.slice(0, 5)), 5);
          // The fixture's classes are the holdout's; every case here has the same classes in training and holdout.
          assert.deepEqual(classes, c.classes);
          assert.ok(maxDiff(proba, ref.logistic!.probaFirst.flat()) <= 1e-8);
        });
      if (ref.ridge)
        it(`${c.name} ${run}: ridge = Ridge(alpha=1e-6): predictions within 1e-9 (measured ≤ 1.1e-13), coefficients within 1e-6`, () => {
          const t = tablesOf(c);
          const train = run === 'trtr' ? t.real : t.synth;
          const rows = rowsWithTarget(train, c.target);
          const enc = fitFeatureEncoder(train, rows, featureColumns(c));
          const col = train.columns.find((k) => k.name === c.target)! as { values: Float64Array };
          const fit = fitRidge(
            enc.encode(train, rows),
            Float64Array.from(rows, (r) => col.values[r]),
            enc.names.length,
          );
          const hold = rowsWithTarget(t.holdout, c.target);
          const pred = predictLinear(enc.encode(t.holdout, hold), enc.names.length, fit);
          assert.ok(maxDiff(pred, ref.ridge!.pred) <= 1e-9, `pred ${maxDiff(pred, ref.ridge!.pred)}`);
          // Measured ≤ 7.7e-7: one-hot columns are collinear with the intercept, and only the tiny α pins the
          // coefficients along that direction (the predictions do not move along it).
          assert.ok(maxDiff(fit.coef, ref.ridge!.coef) <= 1e-6, `coef ${maxDiff(fit.coef, ref.ridge!.coef)}`);
        });
    }
  for (const c of fixture.cases)
    it(`${c.name}: computeTstr's scores as scikit-learn's (linear models 1e-9; boosting as stated below)`, async () => {
      const t = tablesOf(c);
      const result = await computeTstr({ ...t, options: { target: c.target } });
      const models = result.details.models as Record<string, Record<'trtr' | 'tstr', Record<string, number>>>;
      for (const run of ['trtr', 'tstr'] as const)
        for (const [model, ref] of Object.entries(c[run].scores))
          for (const [name, want] of Object.entries(ref)) {
            const got = models[model][run][name];
            // Boosting: HGB keeps gradients and hessians in float32, so a near-tie between two splits can go
            // the other way and a tree differ in a split. Measured (sklearn 1.2.1): regression R² and MAE agree
            // to < 1e-8, AUROC to ≤ 1.9e-3 and balanced accuracy to ≤ 6.5e-3 (patients/smoker, tstr); the
            // tolerances are 1e-6 (R²), 1e-6 relative (MAE), 0.005 (AUROC), 0.015 (balanced accuracy).
            const boosting: Record<string, number> = { r2: 1e-6, mae: 1e-6 * want, auroc: 0.005, balancedAccuracy: 0.015 };
            const tol = model === 'gradientBoosting' ? boosting[name] : 1e-9;
            assert.ok(Math.abs(got - want) <= tol, `${model} ${run} ${name}: ${got} vs sklearn ${want}`);
          }
    });
});

describe('utility.tstr known answers and bad input', () => {
  const byName = (n: string): CaseRef => fixture.cases.find((c) => c.name === n)!;
  it('synthetic = copy of real: TSTR equals TRTR, score 1', async () => {
    for (const name of ['nonlinear/y_bin', 'nonlinear/y_reg']) {
      const t = tablesOf(byName(name));
      const r = await computeTstr({ real: t.real, synth: t.real, holdout: t.holdout, options: { target: byName(name).target } });
      assert.equal(r.score, 1);
      const models = r.details.models as Record<string, { trtr: unknown; tstr: unknown }>;
      for (const m of Object.values(models)) assert.deepEqual(m.tstr, m.trtr);
    }
  });
  it('a shuffled synthetic target: TSTR AUROC near ½, score near 0', async () => {
    const c = byName('nonlinear/y_bin');
    const t = tablesOf(c);
    const cells = { ...fixture.tables.nonlinear.synth };
    const y = [...cells.y_bin];
    let seed = 7;
    for (let i = y.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [y[i], y[j]] = [y[j], y[i]];
    }
    const synth = table({ ...cells, y_bin: y }, c.kinds);
    const r = await computeTstr({ real: t.real, synth, holdout: t.holdout, options: { target: c.target } });
    const models = r.details.models as Record<string, { tstr: { auroc: number }; trtr: { auroc: number } }>;
    for (const m of Object.values(models)) {
      assert.ok(Math.abs(m.tstr.auroc - 0.5) < 0.08, `TSTR AUROC ${m.tstr.auroc}`);
      assert.ok(m.trtr.auroc > 0.7);
    }
    assert.ok(r.score! < 0.2, `score ${r.score}`);
  });
  it('n/a without a target or without a holdout; an empty table is an error first, an unknown target BAD_USAGE', async () => {
    const t = tablesOf(byName('patients/smoker'));
    const empty: Table = { rowCount: 0, columns: t.synth.columns.map((c) => buildColumn(c.name, c.kind, [])) };
    await assert.rejects(computeTstr({ real: t.real, synth: empty }), (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT');
    await assert.rejects(
      computeTstr({ ...t, options: { target: 'nope' } }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && /target column "nope"/.test(e.message),
    );
    assert.ok((await computeTstr({ real: t.real, synth: t.synth, holdout: t.holdout })).notApplicable);
    assert.ok((await computeTstr({ real: t.real, synth: t.synth, options: { target: 'smoker' } })).notApplicable);
  });
  it('a target missing from the synthetic table is BAD_INPUT; a one-class target is a clear error', async () => {
    const c = byName('patients/smoker');
    const t = tablesOf(c);
    const noTarget: Table = { rowCount: t.synth.rowCount, columns: t.synth.columns.filter((k) => k.name !== 'smoker') };
    await assert.rejects(
      computeTstr({ real: t.real, synth: noTarget, holdout: t.holdout, options: { target: 'smoker' } }),
      (e: unknown) => {
        return e instanceof MedSynthError && e.code === 'BAD_INPUT' && /synthetic table has no target column "smoker"/.test(e.message);
      },
    );
    const cells = { ...fixture.tables.patients.synth, smoker: fixture.tables.patients.synth.smoker.map(() => 'false') };
    const oneClass = table(cells, c.kinds);
    await assert.rejects(
      computeTstr({ real: t.real, synth: oneClass, holdout: t.holdout, options: { target: 'smoker' } }),
      (e: unknown) => {
        return e instanceof MedSynthError && e.code === 'BAD_INPUT' && /one class \(false\) in the synthetic table/.test(e.message);
      },
    );
    await assert.rejects(
      computeTstr({ real: t.real, synth: t.synth, holdout: t.holdout, options: { target: 'patient_id' } }),
      (e: unknown) => {
        return e instanceof MedSynthError && e.code === 'BAD_INPUT' && /identifier column/.test(e.message);
      },
    );
  });
  it('a target with more than MAX_TARGET_CLASSES labels is BAD_INPUT', async () => {
    const labels = Array.from({ length: 120 }, (_, i) => `K${i % 60}`);
    const t: Table = {
      rowCount: labels.length,
      columns: [
        buildColumn(
          'x',
          'numeric',
          labels.map((_, i) => String(i)),
        ),
        buildColumn('y', 'categorical', labels),
      ],
    };
    assert.equal(MAX_TARGET_CLASSES, 50);
    await assert.rejects(computeTstr({ real: t, synth: t, holdout: t, options: { target: 'y' } }), (e: unknown) => {
      return e instanceof MedSynthError && e.code === 'BAD_INPUT' && /"y" has 60 classes in the real table; at most 50/.test(e.message);
    });
  });
  it('cancels between boosting rounds', async () => {
    const t = tablesOf(byName('nonlinear/y_reg'));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      computeTstr({ ...t, options: { target: 'y_reg' } }, ac.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
  it('the bootstrap hook resamples the holdout rows', async () => {
    const t = tablesOf(byName('nonlinear/y_bin'));
    const r = await computeTstr({ ...t, options: { target: 'y_bin' } });
    assert.ok(r.resample);
    const same = r.resample((n) => Uint32Array.from({ length: n }, (_, i) => i));
    assert.ok(Math.abs(same! - r.score!) <= 1e-12, `${same} vs ${r.score}`);
    const half = r.resample((n) => Uint32Array.from({ length: n }, (_, i) => i % Math.ceil(n / 2)));
    assert.ok(half !== null && half >= 0 && half <= 1 && half !== r.score);
  });
  it('the weighted scores (bootstrap) equal the plain ones on the rows repeated by their weights', () => {
    const s = fixture.scores;
    const n = s.multiclass.truth.length;
    const weights = Float64Array.from({ length: n }, (_, i) => (i * 7) % 4); // 0, 3, 2, 1, 0, …
    const rep: number[] = [];
    weights.forEach((w, i) => {
      for (let k = 0; k < w; k++) rep.push(i);
    });
    const truth = Int32Array.from(s.multiclass.truth);
    const proba = Float64Array.from(s.multiclass.proba);
    const col = (c: number, rows: readonly number[]): Float64Array => Float64Array.from(rows, (i) => proba[i * 4 + c]);
    for (let c = 0; c < 4; c++) {
      const all = [...truth.keys()];
      const plain = rocAuc(
        col(c, rep),
        rep.map((i) => (truth[i] === c ? 1 : 0)),
      );
      const weighted = rocAucWeighted(ascendingOrder(col(c, all)), col(c, all), (i) => truth[i] === c, weights);
      assert.ok(Math.abs(plain - weighted) <= 1e-12, `class ${c}: ${plain} vs ${weighted}`);
    }
    const predicted = Int32Array.from(s.multiclass.predicted);
    const plainBa = balancedAccuracy(
      Int32Array.from(rep, (i) => predicted[i]),
      Int32Array.from(rep, (i) => truth[i]),
    );
    assert.ok(Math.abs(plainBa - balancedAccuracyWeighted(predicted, truth, weights)) <= 1e-12);
    const rt = s.regression.truth;
    const rp = s.regression.predicted;
    const rw = Float64Array.from(rt, (_, i) => (i * 5) % 3);
    const rrep: number[] = [];
    rw.forEach((w, i) => {
      for (let k = 0; k < w; k++) rrep.push(i);
    });
    const got = regressionScoresWeighted(rp, rt, rw);
    assert.ok(
      Math.abs(
        got.r2 -
          r2Score(
            rrep.map((i) => rp[i]),
            rrep.map((i) => rt[i]),
          ),
      ) <= 1e-12,
    );
    assert.ok(
      Math.abs(
        got.mae -
          meanAbsoluteError(
            rrep.map((i) => rp[i]),
            rrep.map((i) => rt[i]),
          ),
      ) <= 1e-12,
    );
  });
  it('one-hot keeps the 32 most frequent labels of a column, the rest share "(other)"', () => {
    // Labels L0..L39; L39 is the most frequent (3 rows), the others 1 row each: kept = L39 then L0..L30.
    const labels = [...Array.from({ length: 40 }, (_, i) => `L${i}`), 'L39', 'L39'];
    const t: Table = { rowCount: labels.length, columns: [buildColumn('c', 'categorical', labels)] };
    const rows = labels.map((_, i) => i);
    const enc = fitFeatureEncoder(t, rows, ['c']);
    assert.equal(enc.names.length, 33);
    assert.deepEqual(enc.names.slice(0, 2), ['c=L0', 'c=L1']);
    assert.ok(enc.names.includes('c=L39') && !enc.names.includes('c=L31'));
    assert.equal(enc.names[32], 'c (other)');
    const x = enc.encode(t, [31, 39]);
    assert.equal(x[32], 1); // L31 → (other)
    assert.equal(x[33 + enc.names.indexOf('c=L39')], 1);
  });
  it('binning thresholds: midpoints of distinct values, percentiles above 255 of them', () => {
    assert.deepEqual([...binThresholds(Float64Array.from([3, 1, 2, 2]))], [1.5, 2.5]);
    assert.equal(binThresholds(Float64Array.from({ length: 1000 }, (_, i) => i)).length, 254);
  });
  it('descriptor', () => {
    assert.equal(tstrMetric.id, TSTR_ID);
    assert.equal(tstrMetric.goal, 'maximize');
  });
});
