// Column kinds: the inference rules (columnInference.ts header) on hand-made columns and on the
// hand-made clinical fixture, missing-value tokens, datetimes, and overrides with their errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { parseDatetime, parseNumber } from '../../../src/core/data/table/cellValues';
import { columnFromCells, looksLikeIdentifierName } from '../../../src/core/data/table/columnInference';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { isMedSynthError } from '../../../src/core/errors';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tables');
const kindOf = (name: string, cells: string[]): string => columnFromCells(name, cells, undefined).kind;
const csv = (text: string, types?: Record<string, string>): Promise<Table> =>
  parseTable(new TextEncoder().encode(text), { fileName: 'mem.csv', types: types as Record<string, never> });

describe('type inference rules', () => {
  it('numeric when every present cell is a number, except integer codes and keys', () => {
    assert.equal(kindOf('x', ['1', '2.5', '-3e2', ' 4 ', '.5', 'NA', '']), 'numeric');
    // Two integer values with a repeat are a binary code (numericKinds.ts), not a quantity.
    assert.equal(kindOf('flag', ['0', '1', '1', '0']), 'categorical');
    assert.equal(kindOf('flag', ['0', '1.5', '1', '0']), 'numeric');
    assert.equal(kindOf('x', ['1', '2', 'three']), 'categorical');
    const c = columnFromCells('x', ['1', '2', ''], undefined);
    assert.ok(c.kind === 'numeric' && c.integer && Number.isNaN(c.values[2]));
  });

  it('treats exactly the documented tokens as missing', () => {
    const c = columnFromCells('x', ['', '  ', 'NA', 'N/A', 'n/a', '#N/A', '<NA>', 'NaN', 'nan', 'null', 'NULL', '7'], undefined);
    assert.ok(c.kind === 'numeric');
    assert.equal([...c.values].filter(Number.isNaN).length, 11);
    // 'None' is an answer in clinical data, not a missing value.
    const none = columnFromCells('comorbidity', ['None', 'asthma', 'None'], undefined);
    assert.ok(none.kind === 'categorical' && none.codes[0] === 0);
  });

  it('boolean only for textual true/false/yes/no, any case', () => {
    assert.equal(kindOf('smoker', ['yes', 'No', 'TRUE', 'false', '']), 'boolean');
    assert.equal(kindOf('sex', ['F', 'F', 'F']), 'categorical');
    const c = columnFromCells('b', ['no', 'YES', 'NA'], undefined);
    assert.ok(c.kind === 'boolean');
    assert.deepEqual([...c.codes], [0, 1, -1]);
    assert.deepEqual(c.categories, ['false', 'true']);
  });

  it('datetime for ISO dates and date-times, with date precision when no cell has a time', () => {
    const d = columnFromCells('d', ['2023-01-04', '2024-02-29', ''], undefined);
    assert.ok(d.kind === 'datetime' && d.precision === 'date');
    assert.equal(d.values[0], Date.UTC(2023, 0, 4));
    const t = columnFromCells(
      't',
      ['2023-01-04T10:30:00', '2023-01-04 10:30', '2023-01-04T12:30:00+02:00', '2023-01-04T10:30:00.250Z'],
      undefined,
    );
    assert.ok(t.kind === 'datetime' && t.precision === 'datetime');
    const ten30 = Date.UTC(2023, 0, 4, 10, 30);
    assert.deepEqual([...t.values], [ten30, ten30, ten30, ten30 + 250]);
    // 2023 is not a leap year, so this is not a date and the column is not datetime.
    assert.notEqual(kindOf('d', ['2023-02-29', '2023-03-01']), 'datetime');
    // Date.UTC would turn year 50 into 1950.
    assert.equal(new Date(parseDatetime('0050-06-01')?.ms ?? NaN).getUTCFullYear(), 50);
  });

  it('identifier by name or by unique single tokens; text for long or wordy cells; categorical otherwise', () => {
    assert.equal(kindOf('patient_id', ['a b', 'c d']), 'identifier');
    assert.equal(kindOf('subjectId', ['x1', 'x2', 'x3']), 'identifier');
    const codes = Array.from({ length: 30 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    assert.equal(kindOf('code', codes), 'identifier');
    assert.equal(kindOf('note', ['patient seen in clinic today', 'discharged home with oxygen']), 'text');
    assert.equal(kindOf('comment', ['left early', 'came back', 'ok fine']), 'text');
    assert.equal(kindOf('ward', ['A', 'B', 'A', 'C']), 'categorical');
    const many = Array.from({ length: 100 }, (_, i) => `grp${i % 40}`);
    assert.equal(kindOf('group', many), 'categorical');
  });

  it('parses numbers strictly', () => {
    assert.equal(parseNumber('1,5'), undefined);
    assert.equal(parseNumber('0x10'), undefined);
    assert.equal(parseNumber('1e'), undefined);
    assert.equal(parseNumber('-inf'), -Infinity);
    assert.equal(parseNumber('+.5e-1'), 0.05);
  });
});

describe('clinical_mixed.csv (hand-made: BOM, CRLF, quotes, NA tokens)', () => {
  it('infers the kinds a person would assign', async () => {
    const t = await parseTable(readFileSync(join(FIXTURES, 'clinical_mixed.csv')), { fileName: 'clinical_mixed.csv' });
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.kind]),
      [
        ['patient_id', 'identifier'],
        ['admission_date', 'datetime'],
        ['discharge_time', 'datetime'],
        ['age', 'numeric'],
        ['sex', 'categorical'],
        ['diagnosis', 'categorical'],
        ['smoker', 'boolean'],
        ['weight_kg', 'numeric'],
        ['ward', 'categorical'],
        ['notes', 'text'],
      ],
    );
    const diagnosis = t.columns[5];
    assert.ok(diagnosis.kind === 'categorical');
    assert.deepEqual(diagnosis.categories, ['hypertension', 'Diabetes, type 2', 'COPD', 'heart failure', 'asthma']);
    const notes = t.columns[9];
    assert.ok(notes.kind === 'text');
    assert.deepEqual(notes.values.slice(0, 4), ['stable', 'said "fine" on rounds', null, 'two\nlines']);
    assert.equal(t.provenance?.format, 'csv');
  });
});

describe('type overrides', () => {
  it('re-reads a column as the given kind', async () => {
    const t = await csv('code,ward\n1,A\n2,B\n1,A\n', { code: 'categorical', ward: 'text' });
    const code = t.columns[0];
    assert.ok(code.kind === 'categorical');
    assert.deepEqual(code.categories, ['1', '2']);
    assert.equal(t.columns[1].kind, 'text');
  });

  it('a cell that is not of the forced kind names the column, row and line', async () => {
    await assert.rejects(csv('id,age\n1,61\n2,"sixty\ntwo"\n', { age: 'numeric' }), (e: unknown) => {
      assert.ok(isMedSynthError(e));
      assert.equal(e.code, 'BAD_INPUT');
      assert.match(e.message, /^mem\.csv, line 3: column "age", row 2: "sixty\\ntwo" is not a number/);
      return true;
    });
    await assert.rejects(
      csv('d\n2023-01-01\nyesterday\n', { d: 'datetime' }),
      /line 3: column "d", row 2: "yesterday" is not an ISO 8601 date/,
    );
    await assert.rejects(csv('b\nyes\nmaybe\n', { b: 'boolean' }), /column "b", row 2: "maybe" is not a boolean/);
  });

  it('an unknown kind or column is BAD_USAGE listing the choices', async () => {
    await assert.rejects(csv('a\n1\n', { a: 'float' }), (e: unknown) => {
      assert.ok(isMedSynthError(e));
      assert.equal(e.code, 'BAD_USAGE');
      assert.match(e.message, /unknown column kind "float" for column "a".*numeric, categorical, datetime, boolean, identifier, text/);
      return true;
    });
    await assert.rejects(
      csv('a\n1\n', { b: 'numeric' }),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE' && /no such column/.test(e.message),
    );
  });
});

describe('parseNumber equals JavaScript Number() on decimal strings', () => {
  it('for 20,000 pseudo-random decimals of every shape', () => {
    // A fixed linear congruential generator keeps the strings the same on every run.
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const digits = (k: number): string => Array.from({ length: k }, () => String(Math.floor(rand() * 10))).join('');
    for (let t = 0; t < 20000; t++) {
      const s = [
        rand() < 0.3 ? '-' : '',
        digits(1 + Math.floor(rand() * 18)),
        rand() < 0.7 ? `.${digits(Math.floor(rand() * 20))}` : '',
        rand() < 0.2 ? `e${rand() < 0.5 ? '-' : '+'}${Math.floor(rand() * 330)}` : '',
      ].join('');
      assert.ok(Object.is(parseNumber(s), Number(s)), s);
    }
  });
});

/** n cells of f(i), as text. */
const cellsOf = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

describe('integer codes are categorical (numericKinds.ts: 2-10 distinct, <= 5% of values or 2 with a repeat)', () => {
  it("breast_cancer.csv's target 0/1 is categorical with the source's labels", async () => {
    const t = await parseTable(readFileSync(join(FIXTURES, 'breast_cancer.csv')), { fileName: 'breast_cancer.csv' });
    const target = t.columns.find((c) => c.name === 'target');
    assert.ok(target?.kind === 'categorical');
    assert.deepEqual(target.categories, ['0', '1']);
    // Counted from the raw text: the last field of every data line.
    const raw = readFileSync(join(FIXTURES, 'breast_cancer.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').pop());
    assert.deepEqual(
      [...target.codes].map((k) => target.categories[k]),
      raw,
    );
    // Every other column is a measurement and stays numeric, even where its values are all distinct.
    assert.ok(t.columns.filter((c) => c.name !== 'target').every((c) => c.kind === 'numeric'));
    const radius = t.columns.find((c) => c.name === 'mean_radius');
    assert.ok(radius?.kind === 'numeric');
  });

  it('species codes 0/1/2 and sex coded 1/2 are categorical; 60 distinct ages and a constant stay numeric', () => {
    assert.equal(
      kindOf(
        'species',
        cellsOf(150, (i) => String(Math.floor(i / 50))),
      ),
      'categorical',
    );
    const sex = columnFromCells(
      'sex',
      cellsOf(442, (i) => (i % 3 === 0 ? '2' : '1')),
      undefined,
    );
    assert.ok(sex.kind === 'categorical');
    assert.deepEqual(sex.categories, ['1', '2']);
    assert.equal(
      kindOf(
        'age',
        cellsOf(600, (i) => String(20 + (i % 60))),
      ),
      'numeric',
    );
    // 11 distinct values is above the bound; 4 distinct in 40 rows is above 5% of the rows.
    assert.equal(
      kindOf(
        'score',
        cellsOf(1000, (i) => String(i % 11)),
      ),
      'numeric',
    );
    assert.equal(
      kindOf(
        'children',
        cellsOf(40, (i) => String(i % 4)),
      ),
      'numeric',
    );
    assert.equal(
      kindOf(
        'children',
        cellsOf(80, (i) => String(i % 4)),
      ),
      'categorical',
    );
    assert.equal(
      kindOf(
        'constant',
        cellsOf(100, () => '7'),
      ),
      'numeric',
    );
    // Two values without a repeat (a two-row table) are too little evidence of a code.
    assert.equal(kindOf('dose', ['5', '10']), 'numeric');
  });

  it('orders code categories by value and keeps the first spelling of each, missing cells as -1', () => {
    const block = ['3', ' 1', 'NA', '2', '1', '3', '', '2', '1.0'];
    // Ten blocks: 70 present values, 3 distinct (at most 5% of 70 is 3.5).
    const c = columnFromCells(
      'grade',
      cellsOf(90, (i) => block[i % 9]),
      undefined,
    );
    assert.ok(c.kind === 'categorical');
    assert.deepEqual(c.categories, ['1', '2', '3']);
    assert.deepEqual([...c.codes].slice(0, 9), [2, 0, -1, 1, 0, 2, -1, 1, 0]);
  });
});

describe('numeric identifiers (numericKinds.ts)', () => {
  it('a copy of patients.csv with integer ids 100001..100500 types patient_id as an identifier', async () => {
    const file = join(FIXTURES, 'patients_numeric_ids.csv');
    const t = await parseTable(readFileSync(file), { fileName: 'patients_numeric_ids.csv' });
    const id = t.columns[0];
    assert.equal(id.name, 'patient_id');
    assert.ok(id.kind === 'identifier');
    assert.deepEqual(id.values.slice(0, 2), ['100001', '100002']);
    assert.equal(id.values[499], '100500');
    // The rest of the file is typed as in the original sample.
    const original = await parseTable(readFileSync(join(__dirname, '..', '..', '..', 'samples', 'workspace', 'patients.csv')), {
      fileName: 'patients.csv',
    });
    assert.deepEqual(
      t.columns.map((c) => c.kind),
      original.columns.map((c) => c.kind),
    );
  });

  it('by name: unique, or >= 95% distinct among >= 20 values, integers named like a key', () => {
    assert.equal(
      kindOf(
        'patient_id',
        cellsOf(30, (i) => String(7919 * i + 13)),
      ),
      'identifier',
    );
    assert.equal(
      kindOf(
        'mrn',
        cellsOf(100, (i) => String((i * 7919) % 100003)),
      ),
      'identifier',
    );
    assert.equal(kindOf('subjectId', ['17', '4', '99']), 'identifier');
    // 96 distinct of 100: nearly unique (a few repeated visits).
    assert.equal(
      kindOf(
        'encounter_id',
        cellsOf(100, (i) => String(i < 96 ? 1000 + 37 * i : 1000)),
      ),
      'identifier',
    );
    // 90 distinct of 100 is not nearly unique: a patient id of repeated visits is not a row key.
    assert.equal(
      kindOf(
        'visit_id',
        cellsOf(100, (i) => String(1000 + 37 * (i % 90))),
      ),
      'numeric',
    );
    // A non-integer column is never a key, whatever its name.
    assert.equal(
      kindOf(
        'id',
        cellsOf(30, (i) => `${i}.5`),
      ),
      'numeric',
    );
  });

  it('by shape, with at least 20 values: a constant-step sequence or fixed-width codes with leading zeros', () => {
    assert.equal(
      kindOf(
        'Unnamed: 0',
        cellsOf(25, (i) => String(i)),
      ),
      'identifier',
    );
    assert.equal(
      kindOf(
        'n',
        cellsOf(25, (i) => String(500 - 5 * ((i * 7) % 25))),
      ),
      'identifier',
    );
    assert.equal(
      kindOf(
        'code',
        cellsOf(25, (i) => String((i * 7919) % 99991).padStart(6, '0')),
      ),
      'identifier',
    );
    // Too few values, a gap in the sequence, or unique integers of no key shape: numeric.
    assert.equal(
      kindOf(
        'n',
        cellsOf(19, (i) => String(i)),
      ),
      'numeric',
    );
    assert.equal(
      kindOf(
        'n',
        cellsOf(25, (i) => String(i === 24 ? 30 : i)),
      ),
      'numeric',
    );
    assert.equal(
      kindOf(
        'charges',
        cellsOf(50, (i) => String((i * 7919) % 99991)),
      ),
      'numeric',
    );
    // Fixed width without a leading zero is not a code shape.
    assert.equal(
      kindOf(
        'charges',
        cellsOf(30, (i) => String(100000 + ((i * 7919) % 89989))),
      ),
      'numeric',
    );
  });

  it('looksLikeIdentifierName matches whole words of the key vocabulary only', () => {
    const yes = [
      'id',
      'ID',
      'patient_id',
      'subjectId',
      'subjectID',
      'HADM_ID',
      'mrn',
      'MRN',
      'patient',
      'Patient',
      'patient_no',
      'PatientNo',
      'record number',
      'subject',
      'record',
      'accession',
      'accession_number',
      'ssn',
      'encounter',
      'visit_id',
      'uuid',
      'guid',
      'row_key',
      'encounterKey',
      'case_nr',
      'id_patient',
    ];
    const no = [
      'valid',
      'idle',
      'period',
      'paid',
      'humidity',
      'keyboard',
      'monkey',
      'sex',
      'age',
      'patient_age',
      'subject_weight',
      'record_date',
      'diagnosis',
      'bid',
      'ward',
      'key findings',
      'Unnamed: 0',
      '',
    ];
    for (const name of yes) assert.equal(looksLikeIdentifierName(name), true, name);
    for (const name of no) assert.equal(looksLikeIdentifierName(name), false, name);
  });

  it('text keys named like ids may be nearly unique too', () => {
    const codes = cellsOf(100, (i) => `A${String(i < 97 ? i : 0).padStart(4, '0')}`);
    assert.equal(kindOf('accession', codes), 'identifier');
    assert.equal(kindOf('label', ['x', 'y', 'x']), 'categorical');
  });
});
