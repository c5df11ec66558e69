// privacy.kAnonymity: how many records share each combination of the quasi-identifiers the user names
// (the columns an attacker is assumed to know, optionally generalised: equivalenceClasses.ts). A record
// alone in its class, or in a class of a few, can be singled out by someone who knows those columns.
// Computed on the synthetic release (the score) and, for reference, on the real data: a release whose
// classes are as small as the real data's copies its structure, one with larger classes hides it.
import { MedSynthError } from '../errors';
import {
  describeGeneralisation,
  equivalenceClasses,
  namedColumn,
  pairedColumn,
  resampledSizes,
  summariseClasses,
  type ClassSummary,
} from './equivalenceClasses';
import { DEFAULT_SMALL_CLASS, type MetricOptions, type QuasiIdentifier } from './metricOptions';
import { checkTableShape, notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const K_ANONYMITY_ID = 'privacy.kAnonymity';

export const NEEDS_QUASI_IDENTIFIERS = 'needs quasi-identifiers: the columns an attacker knows (--quasi-identifiers age:10,sex,zip:3)';

/** The small-class threshold of the options (default DEFAULT_SMALL_CLASS); BAD_USAGE unless a whole number ≥ 2. */
export function smallClassThreshold(options: MetricOptions | undefined): number {
  const k = options?.k ?? DEFAULT_SMALL_CLASS;
  if (!(Number.isInteger(k) && k >= 2)) throw new MedSynthError('BAD_USAGE', `k must be a whole number of at least 2, not ${k}`);
  return k;
}

/** The quasi-identifiers as the report shows them: column, kind and how the cells were grouped. */
export function describeQuasiIdentifiers(input: TableMetricInput, quasiIdentifiers: readonly QuasiIdentifier[]): Record<string, unknown>[] {
  return quasiIdentifiers.map((q) => {
    const column = namedColumn(input.real, q.column, 'real');
    return {
      column: q.column,
      kind: column.kind,
      ...(q.generalise !== undefined ? { generalise: q.generalise } : {}),
      grouping: describeGeneralisation(column, q.generalise),
    };
  });
}

/** The quasi-identifiers of the input, checked against both tables; null when none are named. */
export function quasiIdentifiersOf(input: TableMetricInput): readonly QuasiIdentifier[] | null {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const qis = input.options?.quasiIdentifiers ?? [];
  if (qis.length === 0) return null;
  const names = new Set<string>();
  for (const q of qis) {
    if (names.has(q.column)) throw new MedSynthError('BAD_USAGE', `quasi-identifier "${q.column}" is named twice`);
    names.add(q.column);
    pairedColumn(input.real, input.synth, q.column);
  }
  return qis;
}

function summaryDetails(s: ClassSummary): Record<string, number> {
  return {
    k: s.k,
    classes: s.classes,
    shareInSmallClasses: s.shareInSmallClasses,
    smallClasses: s.smallClasses,
    recordsInSmallClasses: s.recordsInSmallClasses,
    records: s.records,
  };
}

/** Computes the metric; notApplicable without quasi-identifiers; BAD_INPUT for a column either table lacks. */
export function computeKAnonymity(input: TableMetricInput): MetricResult {
  const qis = quasiIdentifiersOf(input);
  if (!qis) return notApplicable(K_ANONYMITY_ID, NEEDS_QUASI_IDENTIFIERS);
  const threshold = smallClassThreshold(input.options);
  const synth = equivalenceClasses(input.synth, qis, 'synthetic');
  const real = equivalenceClasses(input.real, qis, 'real');
  const s = summariseClasses(synth.sizes, threshold);
  const r = summariseClasses(real.sizes, threshold);
  const classes = synth.sizes.length;
  return {
    id: K_ANONYMITY_ID,
    score: 1 - s.shareInSmallClasses,
    details: {
      ...summaryDetails(s),
      smallClassBelow: threshold,
      quasiIdentifiers: describeQuasiIdentifiers(input, qis),
      real: summaryDetails(r),
    },
    // The plug-in bootstrap: resampled synthetic records, classes counted again on the resample.
    resample: (draw) =>
      1 - summariseClasses(resampledSizes(synth.classOf, classes, draw(input.synth.rowCount)), threshold).shareInSmallClasses,
  };
}

export const kAnonymityMetric: TableMetric = {
  id: K_ANONYMITY_ID,
  title: 'k-anonymity',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Groups the synthetic records by the quasi-identifiers (the columns an attacker is assumed to know, in bins or prefixes where ' +
    'asked; a missing cell is a value of its own). k is the size of the smallest group: every record shares its quasi-identifiers ' +
    'with at least k − 1 others. Score = share of synthetic records in groups of at least k records (--k, default 5): 1 = no ' +
    'record can be singled out from those columns alone, 0 = every record is in a group smaller than k. The same figures for ' +
    'the real data are given for reference. Needs --quasi-identifiers.',
  reference:
    'k-anonymity as defined by Sweeney 2002 (k-anonymity: a model for protecting privacy), on exact equivalence classes of the ' +
    'generalised quasi-identifiers',
  compute: computeKAnonymity,
};
