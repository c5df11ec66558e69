// privacy.kAnonymity and privacy.lDiversity against test/reference/k_anonymity_reference.py (a brute-force
// pandas group-by on the reference CSV fixtures, with the generalisations written there from their
// definitions), plus small cases whose classes are counted by hand below, and the bad inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { columnCodes, equivalenceClasses } from '../../../src/core/metrics/equivalenceClasses';
import { computeKAnonymity, NEEDS_QUASI_IDENTIFIERS } from '../../../src/core/metrics/kAnonymity';
import { computeLDiversity, NEEDS_SECRET } from '../../../src/core/metrics/lDiversity';
import type { MetricOptions, QuasiIdentifier } from '../../../src/core/metrics/metricOptions';
import type { MetricResult } from '../../../src/core/metrics/types';
import { buildColumn, loadReferenceJson, loadReferenceTable } from './csvTable';

interface Expected {
  records: number;
  classes: number;
  k: number;
  smallClasses: number;
  recordsInSmallClasses: number;
  shareInSmallClasses: number;
  l: number;
  homogeneousClasses: number;
  recordsInHomogeneousClasses: number;
  shareDiverse: number;
}
interface Case {
  name: string;
  real: string;
  synth: string;
  types: string;
  quasiIdentifiers: QuasiIdentifier[];
  secret: string;
  k?: number;
  expected: { real: Expected; synthetic: Expected };
  kAnonymityScore: number;
  lDiversityScore: number;
}
const reference = loadReferenceJson<{ cases: Case[] }>('k_anonymity.json');

/** A table from columns of raw cells ('' = missing), each with its kind. */
function table(columns: Readonly<Record<string, readonly [ColumnKind, readonly string[]]>>): Table {
  const entries = Object.entries(columns);
  return { rowCount: entries[0]?.[1][1].length ?? 0, columns: entries.map(([name, [kind, raw]]) => buildColumn(name, kind, raw)) };
}

function isMedSynthError(code: string, pattern?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof MedSynthError, `not a MedSynthError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

function sync(r: MetricResult | Promise<MetricResult>): MetricResult {
  assert.ok(!(r instanceof Promise));
  return r;
}

describe('privacy.kAnonymity / privacy.lDiversity against the pandas group-by', () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const types = loadReferenceJson<Record<string, ColumnKind>>(c.types);
      const options: MetricOptions = { quasiIdentifiers: c.quasiIdentifiers, secret: c.secret, ...(c.k !== undefined ? { k: c.k } : {}) };
      const input = { real: loadReferenceTable(c.real, types), synth: loadReferenceTable(c.synth, types), options };
      const k = computeKAnonymity(input);
      const kd = k.details as Record<string, unknown>;
      assert.equal(k.score, c.kAnonymityScore);
      for (const [role, got] of [
        ['synthetic', kd],
        ['real', kd.real as Record<string, unknown>],
      ] as const) {
        const e = c.expected[role];
        for (const f of ['records', 'classes', 'k', 'smallClasses', 'recordsInSmallClasses', 'shareInSmallClasses'] as const) {
          assert.equal(got[f], e[f], `${role} ${f}`);
        }
      }
      assert.equal(kd.smallClassBelow, c.k ?? 5);
      const l = computeLDiversity(input);
      const ld = l.details as Record<string, unknown>;
      assert.equal(l.score, c.lDiversityScore);
      for (const [role, got] of [
        ['synthetic', ld],
        ['real', ld.real as Record<string, unknown>],
      ] as const) {
        const e = c.expected[role];
        for (const f of ['records', 'classes', 'l', 'homogeneousClasses', 'recordsInHomogeneousClasses', 'shareDiverse'] as const) {
          assert.equal(got[f], e[f], `${role} ${f}`);
        }
      }
      assert.equal(ld.secret, c.secret);
    });
  }
});

// Seven records counted by hand. With age:10 and sex the classes are
//   (20s, F): rows 0, 1, diagnoses a, b      → 2 records, 2 distinct
//   (30s, M): rows 2, 3, 4, diagnoses a a a  → 3 records, 1 distinct
//   (missing, missing): rows 5, 6, c and '' → 2 records, 2 distinct (a missing secret is a value)
// k = 2, 3 classes; with k = 3 the small classes hold 4 of 7 records (score 3/7); l = 1, the
// homogeneous class holds 3 records (score 4/7).
const hand = table({
  age: ['numeric', ['23', '27', '31', '35', '38', '', '']],
  sex: ['categorical', ['F', 'F', 'M', 'M', 'M', '', '']],
  diagnosis: ['categorical', ['a', 'b', 'a', 'a', 'a', 'c', '']],
});
const handOptions: MetricOptions = { quasiIdentifiers: [{ column: 'age', generalise: 10 }, { column: 'sex' }], secret: 'diagnosis', k: 3 };

describe('k-anonymity and l-diversity by hand', () => {
  it('counts the classes of a small table', () => {
    const k = sync(computeKAnonymity({ real: hand, synth: hand, options: handOptions }));
    assert.equal(k.score, 1 - 4 / 7);
    assert.equal(k.details.k, 2);
    assert.equal(k.details.classes, 3);
    assert.equal(k.details.smallClasses, 2);
    assert.equal(k.details.recordsInSmallClasses, 4);
    assert.equal(k.details.shareInSmallClasses, 4 / 7);
    // The same table on both sides: the real figures equal the synthetic ones.
    assert.deepEqual(k.details.real, {
      k: 2,
      classes: 3,
      shareInSmallClasses: 4 / 7,
      smallClasses: 2,
      recordsInSmallClasses: 4,
      records: 7,
    });
    const l = sync(computeLDiversity({ real: hand, synth: hand, options: handOptions }));
    assert.equal(l.score, 1 - 3 / 7);
    assert.equal(l.details.l, 1);
    assert.equal(l.details.homogeneousClasses, 1);
    assert.equal(l.details.recordsInHomogeneousClasses, 3);
  });

  it('with the default threshold of 5 every class is small', () => {
    const k = sync(computeKAnonymity({ real: hand, synth: hand, options: { quasiIdentifiers: handOptions.quasiIdentifiers } }));
    assert.equal(k.score, 0);
    assert.equal(k.details.smallClassBelow, 5);
  });

  it('exact ages make every known age its own class; no generalisation of sex', () => {
    const k = sync(computeKAnonymity({ real: hand, synth: hand, options: { quasiIdentifiers: [{ column: 'age' }], k: 2 } }));
    // 23, 27, 31, 35, 38 alone, the two missing ages together: 5 of 7 records in classes below 2.
    assert.equal(k.details.classes, 6);
    assert.equal(k.details.k, 1);
    assert.equal(k.details.shareInSmallClasses, 5 / 7);
  });

  it('generalises numbers, dates and labels as documented', () => {
    const t = table({
      n: ['numeric', ['-10', '-1', '0', '9.99', '10', '']],
      d: ['datetime', ['1969-12-31', '1970-01-01', '1970-01-07', '1970-01-08', '1970-01-14', '']],
      zip: ['categorical', ['10115', '10117', '20095', '2', '', '20099']],
      id: ['identifier', ['ab1', 'ab2', 'ac3', '', 'ab', 'a']],
    });
    const codes = (name: string, g?: number): number[] =>
      Array.from(
        columnCodes(
          t.columns.find((c) => c.name === name)!,
          g,
        ).codes,
      );
    // floor(x / 10): −1, −1, 0, 0, 1, missing
    assert.deepEqual(codes('n', 10), [0, 0, 1, 1, 2, 3]);
    assert.deepEqual(codes('n'), [0, 1, 2, 3, 4, 5]);
    // 7-day bins from 1970-01-01: day −1 → bin −1; days 0, 6 → 0; days 7, 13 → 1
    assert.deepEqual(codes('d', 7), [0, 1, 1, 2, 2, 3]);
    // 3-character prefixes: 101, 101, 200, "2", missing, 200
    assert.deepEqual(codes('zip', 3), [0, 0, 1, 2, 3, 1]);
    // identifiers: ab, ab, ac, missing, ab, a
    assert.deepEqual(codes('id', 2), [0, 0, 1, 2, 0, 3]);
    const classes = equivalenceClasses(
      t,
      [
        { column: 'zip', generalise: 3 },
        { column: 'n', generalise: 10 },
      ],
      'synthetic',
    );
    // (101,−1) ×2, (200,0), (2,0), (missing,1), (200,missing)
    assert.deepEqual(Array.from(classes.classOf), [0, 0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(classes.sizes), [2, 1, 1, 1, 1]);
  });

  it('resamples the synthetic records and counts the classes again', () => {
    const k = sync(computeKAnonymity({ real: hand, synth: hand, options: handOptions }));
    const l = sync(computeLDiversity({ real: hand, synth: hand, options: handOptions }));
    assert.ok(k.resample && l.resample);
    const identity = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
    assert.equal(k.resample(identity), k.score);
    assert.equal(l.resample(identity), l.score);
    // Rows 2, 2, 2, 0, 0, 5, 6: (30s, M) ×3 with diagnoses a a a, (20s, F) ×2 with a a, (missing) ×2 with c
    // and ''. Below 3: the last two classes, 4 of 7 records. Homogeneous: the first two, 5 of 7 records.
    const fixed = (): Uint32Array => Uint32Array.from([2, 2, 2, 0, 0, 5, 6]);
    assert.equal(k.resample(fixed), 1 - 4 / 7);
    assert.equal(l.resample(fixed), 1 - 5 / 7);
  });
});

describe('k-anonymity and l-diversity: not applicable and bad input', () => {
  it('without quasi-identifiers both are n/a; l-diversity without a secret is n/a', () => {
    for (const options of [undefined, {}, { quasiIdentifiers: [] }, { secret: 'diagnosis' }]) {
      const k = sync(computeKAnonymity({ real: hand, synth: hand, options }));
      assert.equal(k.score, null);
      assert.equal(k.notApplicable, NEEDS_QUASI_IDENTIFIERS);
      assert.equal(k.error, undefined);
      assert.equal(sync(computeLDiversity({ real: hand, synth: hand, options })).notApplicable, NEEDS_QUASI_IDENTIFIERS);
    }
    const l = sync(computeLDiversity({ real: hand, synth: hand, options: { quasiIdentifiers: [{ column: 'sex' }] } }));
    assert.equal(l.score, null);
    assert.equal(l.notApplicable, NEEDS_SECRET);
  });

  it('a quasi-identifier or secret the synthetic table lacks is BAD_INPUT', () => {
    const synth: Table = { rowCount: hand.rowCount, columns: hand.columns.filter((c) => c.name !== 'sex') };
    assert.throws(
      () => computeKAnonymity({ real: hand, synth, options: handOptions }),
      isMedSynthError('BAD_INPUT', /synthetic table has no column "sex"/),
    );
    assert.throws(() => computeLDiversity({ real: hand, synth, options: handOptions }), isMedSynthError('BAD_INPUT', /"sex"/));
    const noSecret: Table = { rowCount: hand.rowCount, columns: hand.columns.filter((c) => c.name !== 'diagnosis') };
    assert.throws(
      () => computeLDiversity({ real: hand, synth: noSecret, options: handOptions }),
      isMedSynthError('BAD_INPUT', /synthetic table has no column "diagnosis" \(secret column\)/),
    );
    assert.throws(
      () => computeKAnonymity({ real: noSecret, synth: hand, options: { quasiIdentifiers: [{ column: 'diagnosis' }] } }),
      isMedSynthError('BAD_INPUT', /real table has no column "diagnosis"/),
    );
  });

  it('a quasi-identifier read as numbers on one side and labels on the other is BAD_INPUT', () => {
    const synth = table({
      age: ['categorical', ['23', '27', '31', '35', '38', '', '']],
      sex: ['categorical', ['F', 'F', 'M', 'M', 'M', '', '']],
      diagnosis: ['categorical', ['a', 'b', 'a', 'a', 'a', 'c', '']],
    });
    assert.throws(
      () => computeKAnonymity({ real: hand, synth, options: handOptions }),
      isMedSynthError('BAD_INPUT', /numeric in the real table but categorical/),
    );
  });

  it('an empty table, a bad k, a fractional prefix and a secret among the quasi-identifiers are typed errors', () => {
    const empty = table({ age: ['numeric', []], sex: ['categorical', []], diagnosis: ['categorical', []] });
    assert.throws(() => computeKAnonymity({ real: hand, synth: empty, options: handOptions }), isMedSynthError('BAD_INPUT', /no rows/));
    assert.throws(
      () => computeKAnonymity({ real: hand, synth: hand, options: { ...handOptions, k: 1 } }),
      isMedSynthError('BAD_USAGE', /k must be/),
    );
    assert.throws(
      () => computeKAnonymity({ real: hand, synth: hand, options: { quasiIdentifiers: [{ column: 'sex', generalise: 1.5 }] } }),
      isMedSynthError('BAD_USAGE', /whole number/),
    );
    assert.throws(
      () => computeLDiversity({ real: hand, synth: hand, options: { quasiIdentifiers: [{ column: 'sex' }], secret: 'sex' } }),
      isMedSynthError('BAD_USAGE', /both the secret and a quasi-identifier/),
    );
    assert.throws(
      () => computeKAnonymity({ real: hand, synth: hand, options: { quasiIdentifiers: [{ column: 'sex' }, { column: 'sex' }] } }),
      isMedSynthError('BAD_USAGE', /named twice/),
    );
  });
});
