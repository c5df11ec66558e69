// A failed command leaves nothing behind (issue 7): no command creates a folder the user did not name,
// each output's folder is checked before any work, and a full loop that fails after creating its output
// root removes the root again. Every case runs the bundled CLI in a real process inside a scratch folder
// and compares the folder's whole contents before and after.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeCliBuild, runCliProcess, scratchDir } from '../cli/cliHarness';
import { listTree as tree, ROOT } from './safetyHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');

function failsWithOneLine(args: readonly string[], code: number, pattern: RegExp): void {
  const res = runCliProcess(args);
  assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], pattern);
}

describe('a failed command leaves nothing behind', () => {
  let dir: string;
  let gen: string;
  let before_: string[];
  before(() => {
    dir = scratchDir();
    copyFileSync(PATIENTS, join(dir, 'patients.csv'));
    gen = join(dir, 'gen');
    const fit = runCliProcess(['fit', join(dir, 'patients.csv'), '--out', gen]);
    assert.equal(fit.code, 0, fit.stderr);
    before_ = tree(dir);
  });
  after(() => removeCliBuild());

  it('run on a dataset in a missing folder exits 2 naming the dataset and creates no folder', () => {
    failsWithOneLine(['run', join(dir, 'missing', 'dir', 'x.csv')], 2, /missing\/dir\/x\.csv: cannot read the table: no such file/);
    assert.deepEqual(tree(dir), before_);
  });

  it('run with a --workspace that does not exist exits 2 and creates it not', () => {
    failsWithOneLine(['run', join(dir, 'patients.csv'), '--workspace', join(dir, 'nows')], 2, /workspace folder does not exist/);
    assert.deepEqual(tree(dir), before_);
  });

  it('run that fails after creating its output root (an unknown metric) removes the root', () => {
    failsWithOneLine(
      ['run', join(dir, 'patients.csv'), '--n', '20', '--seed', '1', '--metrics', 'fidelity.nope', '--output-folder', 'out/deeper'],
      2,
      /fidelity\.nope/,
    );
    assert.deepEqual(tree(dir), before_);
  });

  it('run keeps an output root that was there before, and the runs in it', () => {
    mkdirSync(join(dir, 'kept', 'earlier-run'), { recursive: true });
    const withKept = tree(dir);
    failsWithOneLine(
      ['run', join(dir, 'patients.csv'), '--n', '20', '--seed', '1', '--metrics', 'fidelity.nope', '--output-folder', 'kept'],
      2,
      /fidelity\.nope/,
    );
    assert.deepEqual(tree(dir), withKept);
  });

  it('run refuses an --n whose table the evaluation could not read, before fitting', () => {
    // 8 columns × 10,000,000 rows = 80,000,000 cells, past the 50,000,000 default.
    failsWithOneLine(
      ['run', join(dir, 'patients.csv'), '--n', '10000000'],
      2,
      /80000000 cells.*--n of at most 6250000, or --max-cells of at least 80000000/,
    );
    assert.deepEqual(
      tree(dir).filter((p) => !p.startsWith('kept')),
      before_,
    );
  });

  it('fit --out, generate --out, convert, split and evaluate --json/--html/--markdown under a missing folder exit 2 and create nothing', () => {
    const nowhere = join(dir, 'nonexistent', 'a');
    const cases: [readonly string[], RegExp][] = [
      [['fit', join(dir, 'patients.csv'), '--out', join(nowhere, 'b')], /fit: the folder .*nonexistent\/a for --out does not exist/],
      [
        ['generate', gen, '--n', '5', '--seed', '1', '--out', join(nowhere, 'b.csv')],
        /generate: the folder .*nonexistent\/a for --out does not exist/,
      ],
      [['convert', join(dir, 'patients.csv'), join(nowhere, 'b.parquet')], /convert: the folder .*nonexistent\/a for <out> does not exist/],
      [
        ['split', join(dir, 'patients.csv'), '--seed', '1', '--train', join(dir, 'train.csv'), '--holdout', join(nowhere, 'h.csv')],
        /split: the folder .*nonexistent\/a for --holdout does not exist/,
      ],
      [
        ['evaluate', '--real', join(dir, 'patients.csv'), '--synth', join(dir, 'patients.csv'), '--html', join(nowhere, 'r.html')],
        /evaluate: the folder .*nonexistent\/a for --html does not exist/,
      ],
      [
        [
          'evaluate',
          '--real',
          join(dir, 'patients.csv'),
          '--synth',
          join(dir, 'patients.csv'),
          '--json',
          join(dir, 'r.json'),
          '--markdown',
          join(nowhere, 'r.md'),
        ],
        /for --markdown does not exist/,
      ],
    ];
    const now = tree(dir);
    for (const [args, pattern] of cases) {
      failsWithOneLine(args, 2, pattern);
      assert.deepEqual(tree(dir), now, args.join(' '));
    }
  });

  it('fit --out creates only the named folder when its parent exists', () => {
    const res = runCliProcess(['fit', join(dir, 'patients.csv'), '--out', join(dir, 'fresh')]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(readdirSync(join(dir, 'fresh')).sort(), ['medsynth.json', 'model.onnx']);
  });
});
