// privacy.lDiversity (distinct l-diversity): within each equivalence class of the quasi-identifiers
// (equivalenceClasses.ts), how many different values the secret column takes. A class whose records all
// share one secret value gives the secret away to anyone who can place a person in it, however large
// the class (the homogeneity attack of Machanavajjhala et al.). l = the distinct secrets of the worst
// class. Computed on the synthetic release (the score) and, for reference, on the real data.
import { MedSynthError } from '../errors';
import {
  columnCodes,
  distinctPerClass,
  equivalenceClasses,
  pairedColumn,
  resampledSizes,
  type ColumnCodes,
  type EquivalenceClasses,
} from './equivalenceClasses';
import { describeQuasiIdentifiers, NEEDS_QUASI_IDENTIFIERS, quasiIdentifiersOf } from './kAnonymity';
import { notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const L_DIVERSITY_ID = 'privacy.lDiversity';

export const NEEDS_SECRET = 'needs a secret column: the value an attacker wants to learn (--secret diagnosis)';

/** Distinct l-diversity figures of one table. */
export interface DiversitySummary {
  /** Fewest distinct secret values in a class (a missing secret is a value of its own). */
  readonly l: number;
  readonly classes: number;
  /** Classes whose records all carry one secret value. */
  readonly homogeneousClasses: number;
  /** Records in those classes. */
  readonly recordsInHomogeneousClasses: number;
  /** Share of records in classes with at least two distinct secret values: the score. */
  readonly shareDiverse: number;
  readonly records: number;
}

/** Summary from class sizes and distinct secrets per class; classes of size 0 (left out of a resample) do not count. */
export function summariseDiversity(sizes: Int32Array, distinct: Int32Array): DiversitySummary {
  let l = 0;
  let classes = 0;
  let records = 0;
  let homogeneousClasses = 0;
  let recordsInHomogeneousClasses = 0;
  for (let c = 0; c < sizes.length; c++) {
    if (sizes[c] === 0) continue;
    classes++;
    records += sizes[c];
    if (l === 0 || distinct[c] < l) l = distinct[c];
    if (distinct[c] < 2) {
      homogeneousClasses++;
      recordsInHomogeneousClasses += sizes[c];
    }
  }
  const shareDiverse = records > 0 ? 1 - recordsInHomogeneousClasses / records : 0;
  return { l, classes, homogeneousClasses, recordsInHomogeneousClasses, shareDiverse, records };
}

function diversityOf(classes: EquivalenceClasses, secret: ColumnCodes): DiversitySummary {
  return summariseDiversity(classes.sizes, distinctPerClass(classes, secret));
}

/** Computes the metric; notApplicable without quasi-identifiers or a secret; BAD_INPUT for a column either table lacks. */
export function computeLDiversity(input: TableMetricInput): MetricResult {
  const qis = quasiIdentifiersOf(input);
  if (!qis) return notApplicable(L_DIVERSITY_ID, NEEDS_QUASI_IDENTIFIERS);
  const secretName = input.options?.secret;
  if (secretName === undefined) return notApplicable(L_DIVERSITY_ID, NEEDS_SECRET);
  if (qis.some((q) => q.column === secretName)) {
    throw new MedSynthError('BAD_USAGE', `"${secretName}" is both the secret and a quasi-identifier`);
  }
  const secretColumns = pairedColumn(input.real, input.synth, secretName, 'secret column');
  const synthClasses = equivalenceClasses(input.synth, qis, 'synthetic');
  const synthSecret = columnCodes(secretColumns.synth);
  const s = diversityOf(synthClasses, synthSecret);
  const r = diversityOf(equivalenceClasses(input.real, qis, 'real'), columnCodes(secretColumns.real));
  const classes = synthClasses.sizes.length;
  return {
    id: L_DIVERSITY_ID,
    score: s.shareDiverse,
    details: {
      ...s,
      secret: secretName,
      quasiIdentifiers: describeQuasiIdentifiers(input, qis),
      real: { ...r },
    },
    // The plug-in bootstrap: resampled synthetic records, classes and their distinct secrets counted again.
    resample: (draw) => {
      const rows = draw(input.synth.rowCount);
      return summariseDiversity(resampledSizes(synthClasses.classOf, classes, rows), distinctPerClass(synthClasses, synthSecret, rows))
        .shareDiverse;
    },
  };
}

export const lDiversityMetric: TableMetric = {
  id: L_DIVERSITY_ID,
  title: 'l-diversity',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Groups the synthetic records by the quasi-identifiers (as k-anonymity does) and counts the distinct values of the secret ' +
    'column in each group (a missing value counts as one); l is the count of the least diverse group. A group whose records ' +
    'all share one secret value reveals it to anyone who can place a person there. Score = share of synthetic records in groups ' +
    'with at least two distinct secret values: 1 = no group gives its secret away, 0 = every group does. The same figures for the ' +
    'real data are given for reference. Needs --quasi-identifiers and --secret.',
  reference:
    'Distinct l-diversity as defined by Machanavajjhala et al. 2007 (l-diversity: privacy beyond k-anonymity), on exact ' +
    'equivalence classes of the generalised quasi-identifiers',
  compute: computeLDiversity,
};
