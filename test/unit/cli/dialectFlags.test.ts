// --delimiter, --encoding and --comment reach the reader in every command that reads a table (inspect,
// convert, split, fit, run, evaluate), and a bad value exits 2 with one line before anything is read
// or written. The file is written here byte by byte: a Latin-1 table with a comment line, ';' between
// fields and decimal commas, whose expected cells are spelled out below.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const NAMES = ['José', 'Zoë', 'Ångström', 'Müller', 'Noël', 'Ana', 'Björn', 'Léa', 'Sørensen', 'Çelik'];
const DOSES = ['1,5', '2,25', '3', '4,75', '5,5', '6', '7,125', '8', '9,5', '10'];
const FLAGS = ['--delimiter', ';', '--encoding', 'latin1', '--comment', '#'];

describe('CSV dialect flags on every table-reading command', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = scratchDir();
    file = join(dir, 'latin1.csv');
    const text = `# exported by a ward system\nname;dose\n${NAMES.map((n, i) => `${n};${DOSES[i]}`).join('\n')}\n`;
    writeFileSync(file, Buffer.from(text, 'latin1'));
  });
  after(() => removeCliBuild());

  it('inspect and convert read the names and decimal-comma numbers as written', () => {
    const res = runCliProcess(['inspect', file, '--json', ...FLAGS]);
    assert.equal(res.code, 0, res.stderr);
    const d = JSON.parse(res.stdout) as { shape: number[]; columns: { name: string; kind: string }[] };
    assert.deepEqual(d.shape, [10, 2]);
    assert.deepEqual(
      d.columns.map((c) => c.name),
      ['name', 'dose'],
    );
    assert.equal(d.columns[1].kind, 'numeric');
    const out = join(dir, 'utf8.csv');
    const conv = runCliProcess(['convert', file, out, ...FLAGS]);
    assert.equal(conv.code, 0, conv.stderr);
    const [header, ...rows] = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(header, 'name,dose');
    assert.deepEqual(
      rows.map((r) => r.split(',')[0]),
      NAMES,
    );
    assert.deepEqual(
      rows.map((r) => Number(r.split(',')[1])),
      DOSES.map((v) => Number(v.replace(',', '.'))),
    );
  });

  it('split, fit, run and evaluate take the same flags', () => {
    const split = runCliProcess([
      'split',
      file,
      '--seed',
      '1',
      '--fraction',
      '0.3',
      '--train',
      join(dir, 'train.csv'),
      '--holdout',
      join(dir, 'holdout.csv'),
      ...FLAGS,
    ]);
    assert.equal(split.code, 0, split.stderr);
    // round(0.3 × 10) = 3 rows held out, 7 kept; both parts are written as UTF-8 CSV with ','.
    const lines = (f: string): string[] => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').slice(1);
    assert.deepEqual([lines('train.csv').length, lines('holdout.csv').length], [7, 3]);
    assert.deepEqual([...lines('train.csv'), ...lines('holdout.csv')].map((l) => l.split(',')[0]).sort(), [...NAMES].sort());
    const fit = runCliProcess(['fit', file, '--out', join(dir, 'gen'), ...FLAGS]);
    assert.equal(fit.code, 0, fit.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, 'gen', 'medsynth.json'), 'utf8')) as {
      postprocess: { columns: { name: string }[] };
    };
    assert.deepEqual(
      manifest.postprocess.columns.map((c) => c.name),
      ['name', 'dose'],
    );
    const run = runCliProcess([
      'run',
      file,
      '--n',
      '12',
      '--seed',
      '2',
      '--holdout-fraction',
      '0',
      '--metrics',
      'fidelity.ksComplement',
      '--json',
      ...FLAGS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { runDir } = JSON.parse(run.stdout) as { runDir: string };
    const runJson = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
      dataset: { rows: number; columns: { name: string }[] };
    };
    assert.equal(runJson.dataset.rows, 10);
    assert.deepEqual(
      runJson.dataset.columns.map((c) => c.name),
      ['name', 'dose'],
    );
    const json = join(dir, 'self.json');
    const ev = runCliProcess(['evaluate', '--real', file, '--synth', file, '--metrics', 'fidelity.ksComplement', '--json', json, ...FLAGS]);
    assert.equal(ev.code, 0, ev.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { real: { rows: number }; metrics: { score: number }[] };
    // The table against itself: every KS statistic is 0.
    assert.equal(report.real.rows, 10);
    assert.equal(report.metrics[0].score, 1);
  });

  it('a bad dialect value exits 2 with one line in every command, writing nothing', () => {
    const before_ = readdirSync(dir).sort();
    for (const args of [
      ['inspect', file],
      ['convert', file, join(dir, 'x.csv')],
      ['split', file, '--seed', '1', '--train', join(dir, 't.csv'), '--holdout', join(dir, 'h.csv')],
      ['fit', file, '--out', join(dir, 'g2')],
      ['run', file],
      ['evaluate', '--real', file, '--synth', file],
    ]) {
      const res = runCliProcess([...args, '--delimiter', ';;']);
      assert.equal(res.code, 2, `${args[0]}: ${res.stderr}`);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0], new RegExp(`^medsynth: ${args[0]}: --delimiter ";;" cannot separate fields`));
    }
    assert.deepEqual(readdirSync(dir).sort(), before_);
  });
});
