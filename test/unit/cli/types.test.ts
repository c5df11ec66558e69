// `--types col=kind,...` on inspect, fit, run and evaluate (issue 7): the kinds given replace inference,
// the generator manifest and run.json record the kinds used, and a bad kind or an unknown column exits 2
// with one line that names the column and what is valid. Expected kinds and names come from the files'
// own header lines, read here with a plain split.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');
const HEADER = readFileSync(PATIENTS, 'utf8').split('\n')[0].trim().split(',');
const KINDS = 'numeric, categorical, datetime, boolean, identifier, text';

interface Described {
  readonly columns: readonly { readonly name: string; readonly kind: string }[];
}

function oneLineFailure(args: readonly string[]): string {
  const res = runCliProcess(args);
  assert.equal(res.code, 2, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, res.stderr);
  return lines[0];
}

function kindsOf(d: Described): Record<string, string> {
  return Object.fromEntries(d.columns.map((c) => [c.name, c.kind]));
}

describe('--types', () => {
  let dir: string;
  before(() => {
    dir = scratchDir();
    copyFileSync(PATIENTS, join(dir, 'patients.csv'));
  });
  after(() => removeCliBuild());

  it('inspect: the kinds given replace inference, the other columns keep theirs', () => {
    const plain = JSON.parse(runCliProcess(['inspect', PATIENTS, '--json']).stdout) as Described;
    const res = runCliProcess(['inspect', PATIENTS, '--json', '--types', 'age=categorical,systolic_bp=text']);
    assert.equal(res.code, 0, res.stderr);
    const typed = JSON.parse(res.stdout) as Described;
    assert.deepEqual(
      typed.columns.map((c) => c.name),
      HEADER,
    );
    assert.deepEqual(kindsOf(typed), { ...kindsOf(plain), age: 'categorical', systolic_bp: 'text' });
  });

  it('a bad kind or an unknown column exits 2 with one line naming the column and what is valid', () => {
    assert.equal(
      oneLineFailure(['inspect', PATIENTS, '--types', 'age=number']),
      `medsynth: inspect: --types gives column "age" the kind 'number', which is not one of ${KINDS}`,
    );
    for (const command of [
      ['inspect', PATIENTS],
      ['fit', PATIENTS, '--out', join(dir, 'never')],
      ['run', join(dir, 'patients.csv')],
    ]) {
      const line = oneLineFailure([...command, '--types', 'agee=numeric']);
      assert.match(line, /column "agee", but there is no such column/, command[0]);
      for (const real of HEADER.slice(0, 3)) assert.ok(line.includes(`"${real}"`), `${command[0]}: ${line}`);
    }
    assert.match(
      oneLineFailure(['evaluate', '--real', PATIENTS, '--synth', PATIENTS, '--types', 'age=numeric,sex']),
      /--types entry 'sex' must be column=kind/,
    );
    // A wide table lists a few of its columns, not all 31 (counted from the header line).
    const breast = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');
    const wide = readFileSync(breast, 'utf8').split('\n')[0].trim().split(',');
    assert.equal(wide.length, 31);
    const line = oneLineFailure(['inspect', breast, '--types', 'radius=numeric']);
    assert.ok(
      line.endsWith(
        `(expected one of the columns ${wide
          .slice(0, 8)
          .map((n) => `"${n}"`)
          .join(', ')}, … (31 in all))`,
      ),
      line,
    );
    assert.deepEqual(readdirSync(dir), ['patients.csv']);
  });

  it('inspect refuses --types for a generator (no table is read)', () => {
    const gen = join(dir, 'gen-for-inspect');
    assert.equal(runCliProcess(['fit', PATIENTS, '--out', gen]).code, 0);
    assert.match(
      oneLineFailure(['inspect', gen, '--types', 'age=numeric']),
      /^medsynth: inspect: --types, --delimiter, --encoding and --comment apply to tables only/,
    );
  });

  it('fit: medsynth.json records the kinds the generator was fitted with', () => {
    const gen = join(dir, 'gen-typed');
    const res = runCliProcess(['fit', PATIENTS, '--out', gen, '--types', 'smoker=categorical,bmi=text']);
    assert.equal(res.code, 0, res.stderr);
    const manifest = JSON.parse(readFileSync(join(gen, 'medsynth.json'), 'utf8')) as { postprocess: Described };
    const kinds = kindsOf(manifest.postprocess);
    assert.equal(kinds.smoker, 'categorical');
    assert.equal(kinds.bmi, 'text');
    assert.deepEqual(
      manifest.postprocess.columns.map((c) => c.name),
      HEADER,
    );
  });

  it('run: run.json records every column with its kind and the overrides given', () => {
    const res = runCliProcess([
      'run',
      join(dir, 'patients.csv'),
      '--n',
      '30',
      '--seed',
      '5',
      '--types',
      'sex=text',
      '--metrics',
      'fidelity.tvComplement',
      '--json',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const { runDir } = JSON.parse(res.stdout) as { runDir: string };
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
      dataset: Described & { typeOverrides: Record<string, string> };
    };
    assert.deepEqual(
      run.dataset.columns.map((c) => c.name),
      HEADER,
    );
    assert.equal(kindsOf(run.dataset).sex, 'text');
    assert.deepEqual(run.dataset.typeOverrides, { sex: 'text' });
    const manifest = JSON.parse(readFileSync(join(runDir, 'medsynth.json'), 'utf8')) as { postprocess: Described };
    assert.deepEqual(
      manifest.postprocess.columns,
      manifest.postprocess.columns.map((c) => ({ ...c, kind: kindsOf(run.dataset)[c.name] })),
    );
  });

  it('run with integer ids typed as identifier writes no real id value', () => {
    // The sample with its "P00001" ids replaced by integers 100001.. (a key column a reader may take for numbers).
    const lines = readFileSync(PATIENTS, 'utf8').trimEnd().split('\n');
    const ids = lines.slice(1).map((_, i) => String(100001 + i));
    writeFileSync(
      join(dir, 'numeric_ids.csv'),
      `${[lines[0], ...lines.slice(1).map((l, i) => `${ids[i]}${l.slice(l.indexOf(','))}`)].join('\n')}\n`,
    );
    const res = runCliProcess([
      'run',
      join(dir, 'numeric_ids.csv'),
      '--n',
      '200',
      '--seed',
      '9',
      '--types',
      'patient_id=identifier',
      '--metrics',
      'fidelity.tvComplement',
      '--json',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const { runDir } = JSON.parse(res.stdout) as { runDir: string };
    const synthetic = readFileSync(join(runDir, 'synthetic.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(synthetic.length, 201);
    const real = new Set(ids);
    assert.deepEqual(
      synthetic
        .slice(1)
        .map((l) => l.split(',')[0])
        .filter((id) => real.has(id)),
      [],
    );
  });

  it('evaluate: --types applies to the real table and the synthetic one follows it', () => {
    const json = join(dir, 'typed-report.json');
    const res = runCliProcess([
      'evaluate',
      '--real',
      PATIENTS,
      '--synth',
      PATIENTS,
      '--metrics',
      'fidelity.ksComplement',
      '--types',
      'bmi=text',
      '--json',
      json,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { metrics: { id: string; details: { perColumn: Record<string, number> } }[] };
    const perColumn = report.metrics[0].details.perColumn;
    // A text column has no distribution to compare; the numeric ones compare a table with itself: 1.
    assert.equal(Object.hasOwn(perColumn, 'bmi'), false);
    assert.deepEqual(perColumn.age, 1);
  });
});
