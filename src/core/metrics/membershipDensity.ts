// privacy.membershipDensity, the DOMIAS density-ratio membership attack (van Breugel et al. 2023): an
// attacker holding a real record and the release guesses "member" when the synthetic data are denser
// around the record than real data in general are, i.e. when p_synth(x) / p_ref(x) is high. p_ref is a
// density fitted on real patients the generator never saw; dividing by it discounts records that are
// merely typical (in a dense region of the population) and keeps the over-representation that
// memorising the training rows leaves behind. Both densities are Gaussian kernel density estimates
// (kde.ts: scipy.stats.gaussian_kde, Scott's rule, full covariance).
//
// Sets: members = training (real) rows; the holdout rows are shuffled (mulberry32(seed)) and split in
// half: the first ⌊h/2⌋ fit p_ref, the rest are the non-members. Keeping the reference rows apart from
// the non-members matters: a density fitted on the non-members themselves would be high exactly at
// them and pull their ratios down, flattering the attack.
//
// Features: numeric and datetime columns standardised by the real column's mean and standard deviation
// (ddof 0; a constant or empty real column keeps scale 1), a missing cell imputed with the real mean
// (0 after standardising); categorical and boolean columns one-hot over the real table's labels with the
// first label dropped (k − 1 dummies, as the full set always sums to 1), an empty cell a label of its own
// when any table has one, a label the real table lacks scored as the first label. A column with more
// than 32 labels keeps its 31 most frequent real labels and pools the rest, unseen ones included, as
// '(other)'. Identifier and text
// columns take no part. A feature that is constant, or a linear combination of the kept ones, in the
// synthetic rows or in the reference rows would make a kernel covariance singular (scipy raises); it is
// dropped from both densities and named in details.droppedFeatures and leftOut.
//
// Bootstrap (details.ci95, bootstrap.ts): the attacked members and non-members are resampled separately,
// with replacement (two draws: first the attacked training rows, then the non-members), and the AUC is
// taken on the drawn rows (membershipInference.ts resampledMembershipAttack), each drawn row keeping its
// log density ratio. Both densities are held fixed, not refitted: the synthetic rows and the reference
// half of the holdout that carry the kernels are never resampled (a kernel fitted on a resample with
// duplicated rows would also sit on those duplicates). The seeded split and the caps are those of the
// score. O(n) per resample (the ratios are sorted once).
import type { CategoricalColumn, Column, Table } from '../data/table/table';
import { MedSynthError } from '../errors';
import {
  capIndices,
  covariance,
  fitGaussianKde,
  independentFeatures,
  kdeLogDensity,
  selectDims,
  shuffledIndices,
  varyingFeatures,
} from './kde';
import { mulberry32 } from '../math/mulberry32';
import type { Samples } from './kde';
import { withResample } from './bootstrap';
import { MEMBERSHIP_NEEDS_HOLDOUT, membershipAttack, membershipPrivacyScore, resampledMembershipAttack } from './membershipInference';
import type { MembershipAttack } from './membershipInference';
import { checkTableShape, isCategoryLike, isNumberLike, notApplicable, pairColumns } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

export const MEMBERSHIP_DENSITY_ID = 'privacy.membershipDensity';

/** At most this many training rows and this many non-member rows are attacked (a seeded sample beyond). */
export const DENSITY_MAX_ATTACK_ROWS = 2000;
/** At most this many synthetic rows (and reference rows) carry a kernel: evaluation is O(queries · points · features). */
export const DENSITY_MAX_KERNEL_ROWS = 5000;
/** The holdout must give at least two reference and two non-member rows. */
export const DENSITY_MIN_HOLDOUT_ROWS = 4;

const EMPTY_LABEL = '(empty)';
const OTHER_LABEL = '(other)';
/** A categorical column with more labels keeps its most frequent real labels and pools the rest (as fidelity.detection). */
export const DENSITY_MAX_LABELS = 32;

/** The real column's labels in first-seen order; past DENSITY_MAX_LABELS the 31 most frequent (ties: first seen) and '(other)'. */
function densityLabels(col: CategoricalColumn): string[] {
  if (col.categories.length <= DENSITY_MAX_LABELS) return [...col.categories];
  const counts = new Float64Array(col.categories.length);
  for (const c of col.codes) if (c >= 0) counts[c]++;
  const top = col.categories
    .map((_, i) => i)
    .sort((a, b) => counts[b] - counts[a] || a - b)
    .slice(0, DENSITY_MAX_LABELS - 1);
  return [...top.map((i) => col.categories[i]), OTHER_LABEL];
}

/** Which rows play which part: indices into the real, holdout and synthetic tables. */
export interface DensitySplit {
  readonly members: readonly number[];
  readonly nonMembers: readonly number[];
  readonly reference: readonly number[];
  readonly synthRows: readonly number[];
}

export interface DensityAttackResult extends MembershipAttack {
  /** The features both densities use, in order ("col" or "col=label"). */
  readonly features: readonly string[];
  readonly droppedFeatures: readonly string[];
  readonly usedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  /** log p_synth(x) − log p_ref(x) per member and per non-member, in the split's order. */
  readonly memberScores: Float64Array;
  readonly nonMemberScores: Float64Array;
}

interface Encoder {
  readonly names: string[];
  readonly encode: (table: Table, role: string, rows: readonly number[]) => Samples;
  readonly usedColumns: string[];
  readonly ignoredColumns: string[];
}

function hasEmpty(column: Column): boolean {
  if (isNumberLike(column)) return column.values.some((v) => Number.isNaN(v));
  return isCategoryLike(column) && column.codes.some((c) => c < 0);
}

function buildEncoder(real: Table, synth: Table, holdout: Table): Encoder {
  const pairs = pairColumns(real, synth, ['number', 'category']);
  if (pairs.length === 0)
    throw new MedSynthError('BAD_INPUT', 'the real table has no numeric, datetime, categorical or boolean columns to fit densities on');
  const holdPairs = pairColumns(real, holdout, ['number', 'category'], 'holdout');
  const names: string[] = [];
  // Per used column: its first feature, and how a cell of a given table becomes features.
  const layouts: { name: string; numeric: boolean; mean: number; scale: number; labels: string[] }[] = [];
  pairs.forEach((pair, c) => {
    const realCol = pair.real;
    if (isNumberLike(realCol)) {
      let n = 0;
      let s = 0;
      for (const v of realCol.values) {
        if (Number.isNaN(v)) continue;
        n++;
        s += v;
      }
      const mean = n > 0 ? s / n : 0;
      let ss = 0;
      for (const v of realCol.values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
      const sd = n > 0 ? Math.sqrt(ss / n) : 0;
      layouts.push({ name: pair.name, numeric: true, mean, scale: sd > 0 ? sd : 1, labels: [] });
      names.push(pair.name);
    } else {
      const labels = densityLabels(realCol as CategoricalColumn);
      if ([realCol, pair.synth, holdPairs[c].synth].some(hasEmpty)) labels.push(EMPTY_LABEL);
      layouts.push({ name: pair.name, numeric: false, mean: 0, scale: 1, labels });
      for (const label of labels.slice(1)) names.push(`${pair.name}=${label}`);
    }
  });
  const width = names.length;
  const encode = (table: Table, role: string, rows: readonly number[]): Samples => {
    const byName = new Map(table.columns.map((col) => [col.name, col] as const));
    const data = new Float64Array(rows.length * width);
    let at = 0;
    for (const layout of layouts) {
      const col = byName.get(layout.name);
      if (!col) throw new MedSynthError('BAD_INPUT', `the ${role} table has no column "${layout.name}"`);
      if (layout.numeric && isNumberLike(col)) {
        rows.forEach((r, i) => {
          const v = col.values[r];
          data[i * width + at] = Number.isNaN(v) ? 0 : (v - layout.mean) / layout.scale;
        });
        at += 1;
      } else if (!layout.numeric && isCategoryLike(col)) {
        const position = new Map(layout.labels.map((l, i) => [l, i] as const));
        const other = position.get(OTHER_LABEL) ?? 0;
        const codeAt = col.categories.map((label) => position.get(label) ?? other);
        const emptyAt = position.get(EMPTY_LABEL) ?? 0;
        rows.forEach((r, i) => {
          const p = col.codes[r] < 0 ? emptyAt : codeAt[col.codes[r]];
          if (p > 0) data[i * width + at + p - 1] = 1;
        });
        at += layout.labels.length - 1;
      } else throw new MedSynthError('BAD_INPUT', `column "${layout.name}" of the ${role} table changed kind`);
    }
    return { data, count: rows.length, dims: width };
  };
  const ignoredColumns = real.columns.filter((c) => !isNumberLike(c) && !isCategoryLike(c)).map((c) => c.name);
  return { names, encode, usedColumns: pairs.map((p) => p.name), ignoredColumns };
}

function checkRows(rows: readonly number[], count: number, what: string): void {
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= count) throw new MedSynthError('BAD_USAGE', `${what}: row ${r} is outside 0..${count - 1}`);
  }
}

/**
 * The attack on explicitly chosen rows (computeMembershipDensity chooses them; tests pass the reference
 * script's). Throws BAD_INPUT when no feature varies in both the synthetic and the reference rows.
 */
export async function densityAttack(input: TableMetricInput, split: DensitySplit, signal?: AbortSignal): Promise<DensityAttackResult> {
  const { real, synth, holdout } = input;
  if (!holdout) throw new MedSynthError('BAD_USAGE', `densityAttack ${MEMBERSHIP_NEEDS_HOLDOUT}`);
  checkRows(split.members, real.rowCount, 'members');
  checkRows(split.nonMembers, holdout.rowCount, 'non-members');
  checkRows(split.reference, holdout.rowCount, 'reference rows');
  checkRows(split.synthRows, synth.rowCount, 'synthetic rows');
  if (split.members.length === 0 || split.nonMembers.length === 0)
    throw new MedSynthError('BAD_USAGE', 'densityAttack needs at least one member and one non-member');
  const enc = buildEncoder(real, synth, holdout);
  const S = enc.encode(synth, 'synthetic', split.synthRows);
  const R = enc.encode(holdout, 'holdout', split.reference);
  const all = enc.names.map((_, i) => i);
  const keptS = S.count > 1 ? independentFeatures(covariance(S), S.dims, varyingFeatures(S, all)) : [];
  const kept = R.count > 1 ? independentFeatures(covariance(R), R.dims, varyingFeatures(R, keptS)) : [];
  if (kept.length === 0) {
    throw new MedSynthError(
      'BAD_INPUT',
      `no feature varies in both the ${S.count} synthetic and the ${R.count} reference rows: no density to compare`,
    );
  }
  const keptSet = new Set(kept);
  const densityS = fitGaussianKde(selectDims(S, kept));
  const densityR = fitGaussianKde(selectDims(R, kept));
  const score = async (table: Table, role: string, rows: readonly number[]): Promise<Float64Array> => {
    const x = selectDims(enc.encode(table, role, rows), kept);
    const ls = await kdeLogDensity(densityS, x, signal);
    const lr = await kdeLogDensity(densityR, x, signal);
    return ls.map((v, i) => v - lr[i]);
  };
  const memberScores = await score(real, 'real', split.members);
  const nonMemberScores = await score(holdout, 'holdout', split.nonMembers);
  // membershipAttack ranks smaller values as "more likely a member" (distances); a higher ratio is.
  const attack = membershipAttack(
    memberScores.map((v) => -v),
    nonMemberScores.map((v) => -v),
  );
  return {
    ...attack,
    features: kept.map((i) => enc.names[i]),
    droppedFeatures: enc.names.filter((_, i) => !keptSet.has(i)),
    usedColumns: enc.usedColumns,
    ignoredColumns: enc.ignoredColumns,
    memberScores,
    nonMemberScores,
  };
}

/** The default split: the holdout shuffled by mulberry32(seed), first half reference, rest non-members; caps as above. */
export function densitySplit(realRows: number, holdoutRows: number, synthRows: number, seed = 0): DensitySplit {
  const random = mulberry32(seed);
  const order = shuffledIndices(holdoutRows, random);
  const half = Math.floor(holdoutRows / 2);
  const pick = (rows: number[], cap: number): number[] => capIndices(rows.length, cap, random).map((i) => rows[i]);
  const sorted = (rows: number[]): number[] => rows.sort((a, b) => a - b);
  return {
    reference: pick(sorted(order.slice(0, half)), DENSITY_MAX_KERNEL_ROWS),
    nonMembers: pick(sorted(order.slice(half)), DENSITY_MAX_ATTACK_ROWS),
    members: capIndices(realRows, DENSITY_MAX_ATTACK_ROWS, random),
    synthRows: capIndices(synthRows, DENSITY_MAX_KERNEL_ROWS, random),
  };
}

/** Computes the metric; notApplicable without a holdout (or one under 4 rows). BAD_INPUT for unusable tables, CANCELLED on abort. */
export async function computeMembershipDensity(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const { holdout } = input;
  if (!holdout) return notApplicable(MEMBERSHIP_DENSITY_ID, MEMBERSHIP_NEEDS_HOLDOUT);
  checkTableShape(holdout, 'holdout');
  if (holdout.rowCount < DENSITY_MIN_HOLDOUT_ROWS) {
    return notApplicable(
      MEMBERSHIP_DENSITY_ID,
      `the holdout has ${holdout.rowCount} rows; the density attack needs at least ${DENSITY_MIN_HOLDOUT_ROWS} (half fit the reference density, half are attacked)`,
    );
  }
  const split = densitySplit(input.real.rowCount, holdout.rowCount, input.synth.rowCount, input.options?.seed ?? 0);
  const a = await densityAttack(input, split, signal);
  const leftOut: LeftOut[] = [];
  if (a.ignoredColumns.length > 0)
    leftOut.push({
      count: a.ignoredColumns.length,
      unit: 'columns',
      names: a.ignoredColumns,
      reason: 'identifier and text columns take no part',
    });
  if (a.droppedFeatures.length > 0) {
    leftOut.push({
      count: a.droppedFeatures.length,
      unit: 'columns',
      names: a.droppedFeatures,
      reason: 'features constant or a linear combination of others in the synthetic or reference rows (a singular kernel covariance)',
    });
  }
  const capped =
    input.real.rowCount -
    split.members.length +
    (input.synth.rowCount - split.synthRows.length) +
    (holdout.rowCount - split.reference.length - split.nonMembers.length);
  if (capped > 0)
    leftOut.push({
      count: capped,
      unit: 'rows',
      reason: 'training, holdout and synthetic rows beyond the density attack’s caps (a seeded sample is used)',
    });
  const resampled = resampledMembershipAttack(
    a.memberScores.map((v) => -v),
    a.nonMemberScores.map((v) => -v),
  );
  const result: MetricResult = {
    id: MEMBERSHIP_DENSITY_ID,
    score: membershipPrivacyScore(a.auc),
    details: {
      auc: a.auc,
      tprAtFpr: a.tprAtFpr,
      members: split.members.length,
      nonMembers: split.nonMembers.length,
      referenceRows: split.reference.length,
      synthRows: split.synthRows.length,
      attack: 'density ratio',
      features: a.features,
      droppedFeatures: a.droppedFeatures,
      columns: a.usedColumns,
      ignoredColumns: a.ignoredColumns,
    },
    leftOut,
  };
  return withResample(result, (draw) => membershipPrivacyScore(resampled(draw).auc));
}

export const membershipDensityMetric: TableMetric = {
  id: MEMBERSHIP_DENSITY_ID,
  title: 'Membership inference (density-ratio attack, DOMIAS)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'An attacker who holds a real record guesses it was in the training data when the synthetic data are denser around it than real ' +
    'data in general: the ratio of a kernel density fitted on the synthetic rows to one fitted on half of the holdout rows. The attack is ' +
    'tried on the training rows and on the other half of the holdout; the AUC says how well it tells them apart (0.5 = chance). ' +
    'Score = 1 − 2 × (AUC − 0.5), and 1 for an AUC at or below 0.5: 1 means no better than chance, 0 that it finds the training ' +
    'patients without fail. Numbers are standardised by the real data (missing cells set to the real mean), categories one-hot with one ' +
    'label dropped; at most 2,000 rows a side are attacked and 5,000 synthetic rows carry kernels (seeded samples). Needs a holdout.',
  reference:
    'DOMIAS (van Breugel et al. 2023, "Membership Inference Attacks against Synthetic Data through Overfitting Detection"), with ' +
    'scipy.stats.gaussian_kde densities (Scott’s rule) for both; AUC and ROC points as scikit-learn roc_auc_score / roc_curve',
  compute: computeMembershipDensity,
};
