// The reader's notes (what it assumed or repaired reading a file) travel from each table's provenance
// into the report model, and report.html and the Markdown export say them under the compared tables;
// a holdout that is the rest of the real table's file does not repeat them. Tables and notes are
// made by hand here; the expected sentences are written out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { buildReport } from '../../../src/core/report/build';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import type { Report } from '../../../src/core/report/model';
import { readerNoteLines } from '../../../src/core/report/reportText';

const LATIN1 = 'read as Windows-1252 (Latin-1): the file is not UTF-8 (byte 0xFC on line 2); pass --encoding to choose the encoding';
const PADDED = "3 rows had fewer fields than the header's 4 (first on line 5): the missing trailing fields read as empty";

function table(file: string, notes?: string[]): Table {
  return {
    rowCount: 3,
    columns: [{ kind: 'numeric', name: 'age', values: Float64Array.from([40, 50, 60]), integer: true }],
    provenance: { file, sha256: 'ab'.repeat(32), ...(notes ? { notes } : {}) },
  };
}

describe('reader notes in the report', () => {
  it("buildReport copies each table's notes onto its entry and leaves them out when there are none", () => {
    const report = buildReport(table('real.csv', [LATIN1]), table('synthetic.csv'), [], { holdout: table('holdout.csv', [PADDED]) });
    assert.deepEqual(report.real.notes, [LATIN1]);
    assert.deepEqual(report.holdout?.notes, [PADDED]);
    assert.equal('notes' in report.synth, false);
    const empty = buildReport(table('real.csv', []), table('synthetic.csv'), []);
    assert.equal('notes' in empty.real, false, 'an empty list is not recorded');
  });

  it('HTML and Markdown say every note under the tables, escaped', () => {
    const report = buildReport(table('real.csv', [LATIN1, 'a <b> & "c"']), table('synthetic.csv'), [], {
      holdout: table('holdout.csv', [PADDED]),
    });
    assert.deepEqual(readerNoteLines(report), [
      `Reading the real table: ${LATIN1}`,
      'Reading the real table: a <b> & "c"',
      `Reading the holdout table: ${PADDED}`,
    ]);
    const html = renderReportHtml(report);
    assert.ok(
      html.includes(
        `<ul class="reader-notes"><li>Reading the real table: ${LATIN1}</li><li>Reading the real table: a &lt;b&gt; &amp; &quot;c&quot;</li>` +
          `<li>Reading the holdout table: ${PADDED.replace("'", '&#39;')}</li></ul>`,
      ),
      html,
    );
    // The notes come before the verdict, next to the tables they are about.
    assert.ok(html.indexOf('<ul class="reader-notes">') < html.indexOf('<h2>Verdict</h2>'));
    const md = renderReportMarkdown(report);
    assert.ok(md.includes(`- Note: Reading the real table: ${LATIN1}\n`), md);
    assert.ok(md.includes(`- Note: Reading the holdout table: ${PADDED}\n`), md);
    assert.ok(md.indexOf('- Note:') < md.indexOf('## Verdict'));
  });

  it('a holdout split from the real file shares its notes: they are said once', () => {
    const part = (role: 'training' | 'holdout', rows: number): Report['real'] => ({
      file: `data.csv (${role} part)`,
      rows,
      sha256: 'cd'.repeat(32),
      part: { source: 'data.csv', role, sourceRows: 10, seed: 1 },
      notes: [LATIN1],
    });
    const built = buildReport(table('x.csv'), table('synthetic.csv'), []);
    const report: Report = { ...built, real: part('training', 8), holdout: part('holdout', 2) };
    assert.deepEqual(readerNoteLines(report), [`Reading the real table: ${LATIN1}`]);
    assert.ok(!renderReportHtml(report).includes('Reading the holdout table'));
    assert.deepEqual(readerNoteLines(built), [], 'no notes, no lines');
    assert.ok(!renderReportHtml(built).includes('<ul class="reader-notes">'));
  });
});
