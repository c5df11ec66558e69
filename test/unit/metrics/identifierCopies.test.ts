// privacy.identifierCopies: real identifier values in synthetic rows, whatever kind the column was
// read as. Expected counts are counted by hand from the small tables written below; the end-to-end
// case reads CSV files with the id column forced to numeric (the --types override) through evaluate.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { computeIdentifierCopies } from '../../../src/core/metrics/identifierCopies';
import { reportVerdict } from '../../../src/core/report/verdict';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { buildColumn } from './csvTable';

function csv(dir: string, name: string, header: string, rows: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
  return path;
}

describe('privacy.identifierCopies', () => {
  it('counts synthetic rows that reuse real numeric ids forced to numeric, and the verdict turns poor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-idcopies-'));
    // 30 real patients with ids 100001..100030; ages repeat, so only the id is a key.
    const realRows = Array.from({ length: 30 }, (_, i) => `${100001 + i},${40 + (i % 7)},${i % 2 === 0 ? 'F' : 'M'}`);
    // 20 synthetic rows with fresh ids 900001.., except rows 3, 8 and 15 (1-based) which carry the real
    // ids 100004, 100017 and 100030 (the last one written "100030.0", equal by value).
    const synthIds = Array.from({ length: 20 }, (_, i) => String(900001 + i));
    synthIds[2] = '100004';
    synthIds[7] = '100017';
    synthIds[14] = '100030.0';
    const synthRows = synthIds.map((id, i) => `${id},${41 + (i % 5)},${i % 3 === 0 ? 'M' : 'F'}`);
    const real = csv(dir, 'real.csv', 'patient_id,age,sex', realRows);
    const synth = csv(dir, 'synth.csv', 'patient_id,age,sex', synthRows);
    const report = await evaluateSynthetic({ real, synth, read: { types: { patient_id: 'numeric' } } });
    assert.equal(report.metrics.length > 0, true);
    const m = report.metrics.find((r) => r.id === 'privacy.identifierCopies');
    assert.ok(m, 'the metric runs by default');
    assert.equal(m.error, undefined, m.error);
    // 3 of 20 rows carry a real id: score 1 − 3/20.
    assert.equal(m.score, 1 - 3 / 20);
    assert.equal(m.details.rowsWithCopies, 3);
    const [col] = m.details.columns as { column: string; copies: number; share: number; exampleRows: number[]; reason: string }[];
    assert.deepEqual([col.column, col.copies, col.share, col.exampleRows], ['patient_id', 3, 3 / 20, [3, 8, 15]]);
    assert.match(col.reason, /read as numeric/);
    // The details never carry the id values themselves.
    assert.doesNotMatch(JSON.stringify(m.details), /1000(04|17|30)/);
    const privacy = reportVerdict(report).filter((l) => l.topic === 'privacy');
    const line = privacy.find((l) => /identifier/.test(l.text));
    assert.equal(line?.level, 'poor', JSON.stringify(privacy));
    assert.match(line?.text ?? '', /3 of 20 synthetic rows carry a real identifier value \(patient_id: 3 rows\)/);
  });

  it('scores 1 with a good verdict when the synthetic ids are all new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-idclean-'));
    const real = csv(
      dir,
      'real.csv',
      'patient_id,age',
      Array.from({ length: 25 }, (_, i) => `${100001 + i},${30 + (i % 4)}`),
    );
    const synth = csv(
      dir,
      'synth.csv',
      'patient_id,age',
      Array.from({ length: 25 }, (_, i) => `${200001 + i},${31 + (i % 3)}`),
    );
    const report = await evaluateSynthetic({
      real,
      synth,
      read: { types: { patient_id: 'numeric' } },
      metrics: ['privacy.identifierCopies'],
    });
    const [m] = report.metrics;
    assert.equal(m.score, 1);
    assert.equal(m.details.rowsWithCopies, 0);
    const line = reportVerdict(report).find((l) => l.topic === 'privacy');
    assert.deepEqual([line?.level, line?.text], ['good', 'No synthetic row carries a real identifier value (checked: patient_id).']);
  });

  it('checks identifier columns and key-like names with >= 95% distinct values, whatever their kind', () => {
    const n = 20;
    const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(3, '0')}`);
    // mrn: 19 distinct of 20 (95%): checked. visit_id: 18 distinct of 20 (90%): not a key.
    const mrn = Array.from({ length: n }, (_, i) => String(5000 + Math.min(i, 18)));
    const visit = Array.from({ length: n }, (_, i) => String(700 + Math.min(i, 17)));
    const real: Table = {
      rowCount: n,
      columns: [
        buildColumn('subject', 'identifier', ids),
        buildColumn('mrn', 'categorical', mrn),
        buildColumn('visit_id', 'numeric', visit),
      ],
    };
    // Synthetic row 1 reuses subject P007; row 2 reuses mrn 5003 (as text); row 4 reuses both; row 3
    // reuses visit_id 705, which is not checked; "007" is not the number 7's id "P007".
    const synth: Table = {
      rowCount: 4,
      columns: [
        buildColumn('subject', 'text', ['P007', 'S1', 'S2', 'P011']),
        buildColumn('mrn', 'text', ['1', '5003', '2', ' 5010 ']),
        buildColumn('visit_id', 'numeric', ['1', '2', '705', '3']),
      ],
    };
    const result = computeIdentifierCopies({ real, synth });
    const cols = result.details.columns as { column: string; copies: number; exampleRows: number[] }[];
    assert.deepEqual(
      cols.map((c) => [c.column, c.copies, c.exampleRows]),
      [
        ['subject', 2, [1, 4]],
        ['mrn', 2, [2, 4]],
      ],
    );
    assert.equal(result.details.rowsWithCopies, 3);
    assert.equal(result.score, 1 - 3 / 4);
  });

  it('compares numbers by value but keeps leading zeros as part of a code', () => {
    const real: Table = { rowCount: 3, columns: [buildColumn('record_id', 'text', ['007', '12', '1.5e3'])] };
    const synth: Table = { rowCount: 4, columns: [buildColumn('record_id', 'numeric', ['7', '12', '1500', '8'])] };
    const result = computeIdentifierCopies({ real, synth });
    // 12 = "12" and 1500 = "1.5e3" by value; 7 is not the code "007".
    assert.equal(result.details.rowsWithCopies, 2);
  });

  it('does not apply without identifier-like columns, and counts a dropped id column as checked', () => {
    const real: Table = { rowCount: 3, columns: [buildColumn('age', 'numeric', ['1', '2', '3'])] };
    const na = computeIdentifierCopies({ real, synth: real });
    assert.deepEqual([na.score, na.error], [null, undefined]);
    assert.match(na.notApplicable ?? '', /no identifier column/);
    const withId: Table = { rowCount: 3, columns: [...real.columns, buildColumn('id', 'identifier', ['a', 'b', 'c'])] };
    const dropped = computeIdentifierCopies({ real: withId, synth: real });
    assert.equal(dropped.score, 1);
    assert.deepEqual(dropped.details.absentInSynthetic, ['id']);
  });

  it('counts an id of a holdout patient too: holdout rows are real patients', () => {
    const real: Table = { rowCount: 2, columns: [buildColumn('patient_id', 'numeric', ['1', '2'])] };
    const holdout: Table = { rowCount: 1, columns: [buildColumn('patient_id', 'numeric', ['3'])] };
    const synth: Table = { rowCount: 4, columns: [buildColumn('patient_id', 'numeric', ['3', '9', '2', '8'])] };
    const result = computeIdentifierCopies({ real, synth, holdout });
    // Row 1 carries the holdout id 3, row 3 the training id 2.
    assert.equal(result.details.rowsWithCopies, 2);
    assert.equal(result.details.comparedWith, 'real and holdout rows');
    assert.equal(computeIdentifierCopies({ real, synth }).details.rowsWithCopies, 1);
  });

  it('lists at most five example rows', () => {
    const real: Table = { rowCount: 2, columns: [buildColumn('id', 'identifier', ['x', 'y'])] };
    const synth: Table = { rowCount: 8, columns: [buildColumn('id', 'identifier', ['x', 'x', 'y', 'z', 'x', 'y', 'x', 'y'])] };
    const [col] = computeIdentifierCopies({ real, synth }).details.columns as { copies: number; exampleRows: number[] }[];
    assert.deepEqual([col.copies, col.exampleRows], [7, [1, 2, 3, 5, 6]]);
  });
});
