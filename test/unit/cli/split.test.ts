// `medsynth split` through the bundled CLI in a real process: sizes and completeness against the
// source file read independently (plain line splitting, numbers compared by value), formats by
// extension, reproducibility, exit 2 with one line for bad usage, no partial output, source untouched.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');

/** Data rows of a plain CSV (the sample has no quoted fields), numbers normalised by value ("35.0" = "35"). */
function csvRows(path: string): string[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) =>
    l
      .split(',')
      .map((c) => (c.trim() !== '' && Number.isFinite(Number(c)) ? String(Number(c)) : c))
      .join(','),
  );
}

function assertUsageFailure(res: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(res.code, 2, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected a one-line reason, got: ${res.stderr}`);
  assert.match(lines[0], pattern);
}

describe('medsynth split', () => {
  const dir = scratchDir();
  after(() => removeCliBuild());

  it('holds out round(0.2 × 500) = 100 rows; the parts are disjoint and together are the source rows', () => {
    const before = readFileSync(PATIENTS);
    const train = join(dir, 'train.csv');
    const holdout = join(dir, 'holdout.csv');
    const res = runCliProcess(['split', PATIENTS, '--seed', '7', '--train', train, '--holdout', holdout, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { rows: number; trainRows: number; holdoutRows: number; seed: number; holdoutFraction: number };
    assert.deepEqual([out.rows, out.trainRows, out.holdoutRows, out.seed, out.holdoutFraction], [500, 400, 100, 7, 0.2]);
    const source = csvRows(PATIENTS);
    const t = csvRows(train);
    const h = csvRows(holdout);
    assert.equal(t.length, 400);
    assert.equal(h.length, 100);
    assert.deepEqual([...t, ...h].sort(), [...source].sort());
    const trainIds = new Set(t.map((r) => r.split(',')[0]));
    assert.equal(h.filter((r) => trainIds.has(r.split(',')[0])).length, 0, 'no patient in both parts');
    // Each part keeps the source order.
    const position = new Map(source.map((r, i) => [r.split(',')[0], i]));
    for (const part of [t, h]) {
      const at = part.map((r) => position.get(r.split(',')[0]) ?? -1);
      assert.deepEqual(
        at,
        [...at].sort((a, b) => a - b),
      );
    }
    assert.deepEqual(readFileSync(PATIENTS), before, 'the source is untouched');
  });

  it('is reproducible with a seed, differs with another, and writes formats by extension', () => {
    const run = (seed: string, suffix: string, ext = 'csv'): string => {
      const holdout = join(dir, `h-${suffix}.${ext}`);
      const res = runCliProcess([
        'split',
        PATIENTS,
        '--seed',
        seed,
        '--fraction',
        '0.3',
        '--train',
        join(dir, `t-${suffix}.${ext}`),
        '--holdout',
        holdout,
      ]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /350 ->.*150 ->/);
      return holdout;
    };
    const a = run('11', 'a');
    const b = run('11', 'b');
    const c = run('12', 'c');
    assert.deepEqual(readFileSync(a), readFileSync(b));
    assert.notDeepEqual(csvRows(a), csvRows(c));
    const parquet = run('11', 'p', 'parquet');
    assert.equal(readFileSync(parquet).subarray(0, 4).toString('latin1'), 'PAR1');
    const inspected = runCliProcess(['inspect', parquet, '--json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.deepEqual((JSON.parse(inspected.stdout) as { shape: number[] }).shape, [150, 8]);
  });

  it('bad usage exits 2 with one line and writes nothing', () => {
    const sub = scratchDir();
    const t = join(sub, 'train.csv');
    const h = join(sub, 'holdout.csv');
    const base = ['split', PATIENTS, '--train', t, '--holdout', h];
    assertUsageFailure(runCliProcess([...base, '--fraction', '0.2']), /--seed is required/);
    for (const f of ['0', '0.95', '1', '-0.1', 'abc', ''])
      assertUsageFailure(runCliProcess([...base, '--seed', '1', '--fraction', f]), /--fraction/);
    assertUsageFailure(runCliProcess(['split', PATIENTS, '--seed', '1', '--train', t]), /--holdout is required/);
    assertUsageFailure(runCliProcess(['split', PATIENTS, '--seed', '1', '--train', t, '--holdout', t]), /must be different/);
    assertUsageFailure(runCliProcess(['split', PATIENTS, '--seed', '1', '--train', PATIENTS, '--holdout', h]), /never overwritten/);
    assertUsageFailure(
      runCliProcess(['split', PATIENTS, '--seed', '1', '--train', join(sub, 'train.txt'), '--holdout', h]),
      /cannot tell the --train format/,
    );
    assertUsageFailure(runCliProcess(['split', join(sub, 'missing.csv'), '--seed', '1', '--train', t, '--holdout', h]), /missing\.csv/);
    // A table too small for the fraction: 5 rows at 0.2 hold out 1.
    const tiny = join(sub, 'tiny.csv');
    writeFileSync(tiny, 'a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n');
    assertUsageFailure(runCliProcess(['split', tiny, '--seed', '1', '--train', t, '--holdout', h]), /at least 2/);
    assert.deepEqual(readdirSync(sub), ['tiny.csv']);
    assert.equal(existsSync(t), false);
  });

  it('prints its help with exit 0 and is listed in the usage', () => {
    const help = runCliProcess(['split', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /medsynth split <in> --seed S --train <out> --holdout <out> \[--fraction F\]/);
    assert.match(runCliProcess(['--help']).stdout, /split <in> --seed S/);
  });
});
