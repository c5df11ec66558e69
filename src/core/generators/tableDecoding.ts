// Turns a table generator's raw output block into a Table through its manifest's column spec. The
// built-in copula and user models (CTGAN/TVAE-style exports) share this one decoder.
import type { CategoricalColumn, Column, DatetimeColumn, NumericColumn, Table, TextColumn } from '../data/table/table';
import { MedSynthError } from '../errors';
import { compileDatetimeFormat } from '../data/table/datetimeFormat';
import type { TableColumnSpec, TablePostprocess } from './manifest';

const DAY_MS = 86_400_000;
export const DEFAULT_IDENTIFIER_DIGITS = 8;

type Transform = Extract<TableColumnSpec, { kind: 'numeric' }>['transform'];

function inverseTransform(x: number, t: Transform): number {
  if (!t || t.type === 'identity') return x;
  if (t.type === 'standard') return t.mean + x * t.std;
  const [a, b] = t.from ?? [0, 1];
  return t.min + ((x - a) / (b - a)) * (t.max - t.min);
}

/** Feature indices a spec reads, to check them against the sample width before decoding. */
export function specFeatureIndices(spec: TableColumnSpec): number[] {
  if (spec.kind === 'identifier' || spec.kind === 'text') return [];
  const own =
    spec.kind === 'categorical' || spec.kind === 'boolean'
      ? spec.encoding === 'onehot'
        ? spec.categories.map((_, k) => spec.index + k)
        : [spec.index]
      : [spec.index];
  return spec.missingIndex === undefined ? own : [...own, spec.missingIndex];
}

function decodeColumn(spec: TableColumnSpec, sample: Float32Array, rows: number, features: number, firstRow: number): Column {
  const at = (r: number, f: number): number => sample[r * features + f];
  const missing = (r: number): boolean => {
    if (spec.kind === 'identifier' || spec.kind === 'text' || spec.missingIndex === undefined) return false;
    return at(r, spec.missingIndex) > 0.5;
  };
  switch (spec.kind) {
    case 'numeric': {
      // The hot loop of decoding: constants are hoisted, but every value takes exactly the arithmetic
      // of inverseTransform and roundTo, in the same order, so the results are the same doubles.
      const values = new Float64Array(rows);
      const t = spec.transform;
      const mode = !t || t.type === 'identity' ? 0 : t.type === 'standard' ? 1 : 2;
      const [a, b] = t?.type === 'minmax' ? (t.from ?? [0, 1]) : [0, 1];
      const c0 = t?.type === 'standard' ? t.mean : t?.type === 'minmax' ? t.min : 0;
      const c1 = t?.type === 'standard' ? t.std : t?.type === 'minmax' ? t.max - t.min : 1;
      const span = b - a;
      const integer = spec.integer === true;
      const decimals = spec.round;
      const scale = decimals === undefined ? 1 : 10 ** decimals;
      const index = spec.index;
      const mi = spec.missingIndex ?? -1;
      for (let r = 0, at = 0; r < rows; r++, at += features) {
        let v: number;
        if (mi >= 0 && sample[at + mi] > 0.5) v = NaN;
        else {
          const x = sample[at + index];
          v = mode === 0 ? x : mode === 1 ? c0 + x * c1 : c0 + ((x - a) / span) * c1;
        }
        if (integer) v = Math.round(v);
        else if (decimals !== undefined) v = Math.round(v * scale) / scale;
        values[r] = Number.isFinite(v) ? v : NaN;
      }
      return { kind: 'numeric', name: spec.name, values, integer: spec.integer ?? false } satisfies NumericColumn;
    }
    case 'datetime': {
      const values = new Float64Array(rows);
      // Round to what the spelling prints (a minute for 'YYYY-MM-DD HH:mm'), so writing loses nothing.
      const unit =
        spec.precision === 'date' ? DAY_MS : spec.format !== undefined ? (compileDatetimeFormat(spec.format)?.resolutionMs ?? 1) : 1;
      for (let r = 0; r < rows; r++) {
        let v = missing(r) ? NaN : inverseTransform(at(r, spec.index), spec.transform);
        v = unit === 1 ? Math.round(v) : Math.round(v / unit) * unit;
        values[r] = Number.isFinite(v) ? v : NaN;
      }
      return {
        kind: 'datetime',
        name: spec.name,
        values,
        precision: spec.precision,
        ...(spec.format !== undefined ? { format: spec.format } : {}),
      } satisfies DatetimeColumn;
    }
    case 'categorical':
    case 'boolean': {
      const k = spec.categories.length;
      const codes = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        if (missing(r) || k === 0) {
          codes[r] = -1;
        } else if (spec.encoding === 'index') {
          const v = Math.round(at(r, spec.index));
          codes[r] = Number.isFinite(v) ? Math.min(Math.max(v, 0), k - 1) : -1;
        } else {
          let best = 0;
          for (let j = 1; j < k; j++) if (at(r, spec.index + j) > at(r, spec.index + best)) best = j;
          codes[r] = best;
        }
      }
      return {
        kind: spec.kind,
        name: spec.name,
        codes,
        categories: [...spec.categories],
        ...(spec.kind === 'boolean' && spec.labels !== undefined ? { labels: spec.labels } : {}),
      } satisfies CategoricalColumn;
    }
    case 'identifier': {
      const digits = spec.digits ?? DEFAULT_IDENTIFIER_DIGITS;
      const values = Array.from({ length: rows }, (_, r) => `${spec.prefix}${String(firstRow + r).padStart(digits, '0')}`);
      return { kind: 'identifier', name: spec.name, values } satisfies TextColumn;
    }
    case 'text':
      // Free text is not generated (see copulaLayout.ts); every cell is explicitly missing.
      return { kind: 'text', name: spec.name, values: new Array<string | null>(rows).fill(null) } satisfies TextColumn;
  }
}

/**
 * Decodes a row-major [rows, post.features] sample; `firstRow` is the global row number of the first
 * row, so identifiers stay unique across shards. A width mismatch is MODEL_MISMATCH.
 */
export function decodeTableSample(post: TablePostprocess, sample: Float32Array, rows: number, firstRow: number): Table {
  const f = post.features;
  if (!Number.isInteger(rows) || rows < 0 || sample.length !== rows * f) {
    throw new MedSynthError(
      'MODEL_MISMATCH',
      `the model produced ${sample.length} values for ${rows} rows, but the manifest declares ${f} features per row`,
      {
        expected: `${rows * f} values`,
      },
    );
  }
  for (const spec of post.columns) {
    for (const i of specFeatureIndices(spec)) {
      if (!Number.isInteger(i) || i < 0 || i >= f) {
        throw new MedSynthError('MODEL_MISMATCH', `column ${spec.name} reads feature ${i}, but the model output has ${f} features`);
      }
    }
  }
  return { rowCount: rows, columns: post.columns.map((spec) => decodeColumn(spec, sample, rows, f, firstRow)) };
}
