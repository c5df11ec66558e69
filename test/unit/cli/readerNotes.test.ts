// What the CSV reader assumed or repaired reaches the user: `inspect` prints a "notes:" block (and a
// `notes` array with --json), `fit`, `evaluate` and `run` print one `medsynth: note: <file>: …` line per
// note on stderr, and run.json and the reports record them. The expected notes are spelled out from
// the fixtures themselves (test/fixtures/tables/dialects/): how many comment lines lead comments.csv,
// the first non-UTF-8 byte of latin1.csv (0xFC, the ü of Zürich on line 2), the short rows of
// trailing_fields.csv (lines 3 to 6 have fewer than the header's 7 fields), and so on.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const DIALECTS = join('test', 'fixtures', 'tables', 'dialects');
const BLANKS = 'fields are separated by blanks (sniffed); pass --delimiter to choose another delimiter';
const NOTES: Readonly<Record<string, string>> = {
  'comments.csv': "skipped 2 comment lines starting with '#' before the header (lines 1-2); pass --comment to choose the prefix",
  'latin1.csv': 'read as Windows-1252 (Latin-1): the file is not UTF-8 (byte 0xFC on line 2); pass --encoding to choose the encoding',
  'trailing_fields.csv': "4 rows had fewer fields than the header's 7 (first on line 3): the missing trailing fields read as empty",
  'semicolon_decimal.csv': 'read decimal commas (1,5 = 1.5) in columns "weight_kg", "height_m"',
  'whitespace.csv': BLANKS,
  'linnerud_physiological.csv': BLANKS,
};
const fixture = (name: string): string => join(DIALECTS, name);
const noteLine = (file: string, note: string): string => `medsynth: note: ${file}: ${note}`;
const stderrNotes = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('medsynth: note: '));

describe('reader notes in the CLI', () => {
  after(() => removeCliBuild());

  it('inspect ends its human summary with a notes: block, one indented line per note', () => {
    for (const [name, note] of Object.entries(NOTES)) {
      const res = runCliProcess(['inspect', fixture(name)]);
      assert.equal(res.code, 0, res.stderr);
      assert.ok(res.stdout.endsWith(`\nnotes:\n  ${note}\n`), `${name}:\n${res.stdout}`);
    }
    const plain = runCliProcess(['inspect', join('test', 'fixtures', 'tables', 'clinical_mixed.csv')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!plain.stdout.includes('notes:'), 'a file read without assumptions has no notes block');
  });

  it('inspect --json carries a notes array (empty when the reader assumed nothing)', () => {
    for (const name of ['latin1.csv', 'semicolon_decimal.csv']) {
      const res = runCliProcess(['inspect', fixture(name), '--json']);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual((JSON.parse(res.stdout) as { notes: string[] }).notes, [NOTES[name]]);
    }
    const plain = runCliProcess(['inspect', join('test', 'fixtures', 'tables', 'clinical_mixed.csv'), '--json']);
    assert.deepEqual((JSON.parse(plain.stdout) as { notes: string[] }).notes, []);
  });

  it('fit and evaluate print each note on stderr, naming the file as given; the report records them', () => {
    const dir = scratchDir();
    const fit = runCliProcess(['fit', fixture('latin1.csv'), '--out', join(dir, 'gen')]);
    assert.equal(fit.code, 0, fit.stderr);
    assert.deepEqual(stderrNotes(fit.stderr), [noteLine(fixture('latin1.csv'), NOTES['latin1.csv'])]);

    const json = join(dir, 'report.json');
    const md = join(dir, 'report.md');
    const ev = runCliProcess([
      'evaluate',
      '--real',
      fixture('trailing_fields.csv'),
      '--synth',
      fixture('trailing_fields.csv'),
      '--metrics',
      'fidelity.ksComplement',
      '--json',
      json,
      '--markdown',
      md,
    ]);
    assert.equal(ev.code, 0, ev.stderr);
    const line = noteLine(fixture('trailing_fields.csv'), NOTES['trailing_fields.csv']);
    assert.deepEqual(stderrNotes(ev.stderr), [line, line]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { real: { notes?: string[] }; synth: { notes?: string[] } };
    assert.deepEqual(report.real.notes, [NOTES['trailing_fields.csv']]);
    assert.deepEqual(report.synth.notes, [NOTES['trailing_fields.csv']]);
    const markdown = readFileSync(md, 'utf8');
    assert.ok(markdown.includes(`- Note: Reading the real table: ${NOTES['trailing_fields.csv']}\n`), markdown);
  });

  it("run prints the source's notes, and run.json and the report record them for the training part", () => {
    const ws = scratchDir();
    const name = 'linnerud_physiological.csv';
    copyFileSync(join(ROOT, fixture(name)), join(ws, name));
    const dataset = join(ws, name);
    const res = runCliProcess(['run', dataset, '--seed', '5', '--metrics', 'fidelity.ksComplement', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(stderrNotes(res.stderr), [noteLine(dataset, BLANKS)]);
    const out = JSON.parse(res.stdout) as { runDir: string; notes: string[]; holdout: { holdoutRows: number } };
    assert.deepEqual(out.notes, [BLANKS]);
    // 20 data rows; round(0.2 × 20) = 4 held out, so the real table is the training part.
    assert.equal(out.holdout.holdoutRows, 4);
    const run = JSON.parse(readFileSync(join(out.runDir, 'run.json'), 'utf8')) as { dataset: { notes: string[] } };
    assert.deepEqual(run.dataset.notes, [BLANKS]);
    const report = JSON.parse(readFileSync(join(out.runDir, 'report.json'), 'utf8')) as {
      real: { notes?: string[]; part?: { role: string } };
      holdout?: { notes?: string[] };
      synth: { notes?: string[] };
    };
    assert.equal(report.real.part?.role, 'training');
    assert.deepEqual(report.real.notes, [BLANKS]);
    assert.deepEqual(report.holdout?.notes, [BLANKS]);
    assert.equal(report.synth.notes, undefined, 'synthetic.csv is written plainly: nothing to note');
    const html = readFileSync(join(out.runDir, 'report.html'), 'utf8');
    assert.ok(html.includes(`<li>Reading the real table: ${BLANKS}</li>`));
    assert.ok(!html.includes('Reading the holdout table'), 'the holdout shares the real file: its notes are said once');
  });
});
