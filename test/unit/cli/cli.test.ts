// The `medsynth` contract from issue 2, through the bundled CLI in a real process: each command, exit
// codes (0 ok, 1 run failed, 2 bad usage/input with a one-line reason), and no partial output files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');
const BREAST = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');
const RAGGED = join(ROOT, 'test', 'fixtures', 'tables', 'bad', 'ragged.csv');

function assertUsageFailure(res: { code: number | null; stderr: string }, pattern?: RegExp): void {
  assert.equal(res.code, 2, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected a one-line reason, got: ${res.stderr}`);
  assert.match(lines[0], /^medsynth: /);
  if (pattern) assert.match(lines[0], pattern);
}

describe('medsynth CLI', () => {
  let dir: string;
  let model: string;
  before(() => {
    dir = scratchDir();
    model = join(dir, 'gen');
    const fit = runCliProcess(['fit', PATIENTS, '--generator', 'copula', '--out', model]);
    assert.equal(fit.code, 0, fit.stderr);
  });
  after(() => removeCliBuild());

  it('prints help (exit 0), and rejects no command or an unknown one (exit 2)', () => {
    const help = runCliProcess(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /generate <model-dir\|model.onnx> --n N --seed S --out <path>/);
    assert.equal(runCliProcess([]).code, 2);
    assertUsageFailure(runCliProcess(['frobnicate']), /unknown command/);
    assert.equal(runCliProcess(['generate', '--help']).code, 0);
  });

  it('inspect --json describes a table: modality, format, shape, column kinds', () => {
    const res = runCliProcess(['inspect', PATIENTS, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const d = JSON.parse(res.stdout) as { modality: string; format: string; shape: number[]; columns: { name: string; kind: string }[] };
    // Independent count: the sample has a header line and 500 data lines, 8 comma-separated fields.
    assert.equal(d.modality, 'table');
    assert.equal(d.format, 'csv');
    assert.deepEqual(d.shape, [500, 8]);
    const kinds = Object.fromEntries(d.columns.map((c) => [c.name, c.kind]));
    assert.equal(kinds.patient_id, 'identifier');
    assert.equal(kinds.admission_date, 'datetime');
    assert.equal(kinds.age, 'numeric');
    assert.equal(kinds.smoker, 'boolean');
  });

  it('--max-rows / --max-cells cap what a command reads, naming the limit (exit 2, nothing written)', () => {
    // patients.csv has 500 data rows x 8 columns = 4000 cells (counted from the file itself).
    assertUsageFailure(runCliProcess(['inspect', PATIENTS, '--max-rows', '499']), /more than 499 rows.*--max-rows/);
    assertUsageFailure(runCliProcess(['inspect', PATIENTS, '--max-cells', '3999']), /more than 3999 cells.*--max-cells/);
    assert.equal(runCliProcess(['inspect', PATIENTS, '--max-rows', '500', '--max-cells', '4000', '--json']).code, 0);
    const out = join(dir, 'capped.parquet');
    assertUsageFailure(runCliProcess(['convert', PATIENTS, out, '--max-rows', '10']), /--max-rows/);
    assert.equal(existsSync(out), false);
    assertUsageFailure(runCliProcess(['fit', PATIENTS, '--generator', 'copula', '--out', join(dir, 'capped-gen'), '--max-rows', '10']), /--max-rows/);
    assert.equal(existsSync(join(dir, 'capped-gen')), false);
    assertUsageFailure(runCliProcess(['inspect', PATIENTS, '--max-rows', '0']), /at least 1/);
  });

  it('inspect describes a generator folder with its model inputs and outputs', () => {
    const res = runCliProcess(['inspect', model, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const d = JSON.parse(res.stdout) as { kind: string; model: { inputs: { name: string }[]; outputs: { name: string }[] } };
    assert.equal(d.kind, 'generator');
    assert.deepEqual(d.model.inputs.map((i) => i.name), ['z']);
    assert.deepEqual(d.model.outputs.map((o) => o.name), ['x']);
  });

  it('inspect: a ragged CSV, a missing file and an unknown type exit 2 with one line', () => {
    assertUsageFailure(runCliProcess(['inspect', RAGGED, '--json']), /ragged\.csv/);
    assertUsageFailure(runCliProcess(['inspect', join(dir, 'nope.csv')]));
    const odd = join(dir, 'notes.xyz');
    writeFileSync(odd, 'hello');
    assertUsageFailure(runCliProcess(['inspect', odd]));
  });

  it('convert csv -> parquet -> csv keeps the data; bad targets exit 2 and write nothing', () => {
    const pq = join(dir, 'b.parquet');
    const back = join(dir, 'b.csv');
    assert.equal(runCliProcess(['convert', BREAST, pq]).code, 0);
    assert.equal(runCliProcess(['convert', pq, back]).code, 0);
    const a = JSON.parse(runCliProcess(['inspect', BREAST, '--json']).stdout) as { shape: number[] };
    const b = JSON.parse(runCliProcess(['inspect', back, '--json']).stdout) as { shape: number[] };
    assert.deepEqual(b.shape, a.shape);
    assertUsageFailure(runCliProcess(['convert', BREAST, join(dir, 'x.xlsx')]), /output format/);
    assert.equal(existsSync(join(dir, 'x.xlsx')), false);
    assertUsageFailure(runCliProcess(['convert', back, back]), /differ/);
    assertUsageFailure(runCliProcess(['convert', RAGGED, join(dir, 'r.csv')]));
    assert.equal(existsSync(join(dir, 'r.csv')), false);
  });

  it('fit writes model.onnx + medsynth.json; bad input or usage exits 2 and leaves no folder', () => {
    assert.ok(existsSync(join(model, 'model.onnx')));
    const manifest = JSON.parse(readFileSync(join(model, 'medsynth.json'), 'utf8')) as { schema: string; modality: string };
    assert.equal(manifest.schema, 'medsynth.generator/1');
    assert.equal(manifest.modality, 'table');
    assertUsageFailure(runCliProcess(['fit', RAGGED, '--generator', 'copula', '--out', join(dir, 'bad')]));
    assert.equal(existsSync(join(dir, 'bad')), false);
    assertUsageFailure(runCliProcess(['fit', PATIENTS, '--generator', 'gan', '--out', join(dir, 'bad')]), /generator/);
    assertUsageFailure(runCliProcess(['fit', PATIENTS, '--generator', 'copula']), /--out/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  });

  it('generate: same model + seed + n gives byte-identical CSV, also split into shards', () => {
    const full = join(dir, 'full.csv');
    const again = join(dir, 'again.csv');
    assert.equal(runCliProcess(['generate', model, '--n', '301', '--seed', '11', '--out', full, '--batch', '64']).code, 0);
    assert.equal(runCliProcess(['generate', join(model, 'model.onnx'), '--n', '301', '--seed', '11', '--out', again, '--batch', '300']).code, 0);
    const fullText = readFileSync(full, 'utf8');
    assert.equal(readFileSync(again, 'utf8'), fullText);
    const lines = fullText.trimEnd().split('\n');
    assert.equal(lines.length, 302);
    const shardRows: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = join(dir, `shard${i}.csv`);
      const res = runCliProcess(['generate', model, '--n', '301', '--seed', '11', '--out', out, '--shard', `${i}/3`, '--batch', '50']);
      assert.equal(res.code, 0, res.stderr);
      const s = readFileSync(out, 'utf8').trimEnd().split('\n');
      assert.equal(s[0], lines[0]);
      // Rows [floor(i*301/3), floor((i+1)*301/3)): 100, 100, 101 rows.
      assert.equal(s.length - 1, [100, 100, 101][i]);
      shardRows.push(...s.slice(1));
    }
    assert.deepEqual(shardRows, lines.slice(1));
    const other = join(dir, 'other.csv');
    assert.equal(runCliProcess(['generate', model, '--n', '301', '--seed', '12', '--out', other]).code, 0);
    assert.notEqual(readFileSync(other, 'utf8'), fullText);
  });

  it('generate --ep cuda,cpu falls back and reports cpu; bad options exit 2 with no output', () => {
    const out = join(dir, 'ep.csv');
    const res = runCliProcess(['generate', model, '--n', '5', '--seed', '1', '--out', out, '--ep', 'cuda,cpu']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, / on cpu/);
    assert.match(res.stderr, /'cuda' unavailable/);
    const bad = join(dir, 'bad.csv');
    assertUsageFailure(runCliProcess(['generate', model, '--n', 'ten', '--seed', '1', '--out', bad]), /--n/);
    assertUsageFailure(runCliProcess(['generate', model, '--n', '10', '--out', bad]), /--seed/);
    assertUsageFailure(runCliProcess(['generate', model, '--n', '10', '--seed', '1', '--out', bad, '--ep', 'tpu']), /execution provider/);
    assertUsageFailure(runCliProcess(['generate', model, '--n', '10', '--seed', '1', '--out', bad, '--shard', '3/3']), /--shard/);
    assertUsageFailure(runCliProcess(['generate', model, '--n', '10', '--seed', '1', '--out', bad, '--bogus']));
    assert.equal(existsSync(bad), false);
  });

  it('generate from a corrupt model exits 2 (MODEL_INVALID) and writes nothing', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'medsynth.json'), readFileSync(join(model, 'medsynth.json')));
    writeFileSync(join(broken, 'model.onnx'), Buffer.from('garbage, not protobuf'));
    const out = join(dir, 'never.csv');
    assertUsageFailure(runCliProcess(['generate', broken, '--n', '10', '--seed', '1', '--out', out]));
    assert.equal(existsSync(out), false);
  });

  it('evaluate prints a summary table and writes JSON { modality, metrics: [{ id, score, details, error }] } and HTML', () => {
    const synth = join(dir, 'full.csv');
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const res = runCliProcess(['evaluate', '--real', PATIENTS, '--synth', synth, '--json', json, '--html', html]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /fidelity\.ksComplement/);
    assert.match(res.stdout, /privacy\.dcr/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { modality: string; metrics: { id: string; score: number | null; details: object }[] };
    assert.equal(report.modality, 'table');
    for (const m of report.metrics) {
      assert.equal(typeof m.id, 'string');
      assert.ok(m.score === null || typeof m.score === 'number');
      assert.equal(typeof m.details, 'object');
    }
    const page = readFileSync(html, 'utf8');
    assert.doesNotMatch(page, /<script/i);
    assert.doesNotMatch(page, /https?:\/\//);
  });

  it('evaluate: unknown metric, missing --synth, or a report over an input exit 2 and write nothing', () => {
    const json = join(dir, 'no.json');
    assertUsageFailure(runCliProcess(['evaluate', '--real', PATIENTS, '--synth', join(dir, 'full.csv'), '--metrics', 'fidelity.nope', '--json', json]));
    assert.equal(existsSync(json), false);
    assertUsageFailure(runCliProcess(['evaluate', '--real', PATIENTS]), /--synth/);
    const before = readFileSync(join(dir, 'full.csv'), 'utf8');
    assertUsageFailure(runCliProcess(['evaluate', '--real', PATIENTS, '--synth', join(dir, 'full.csv'), '--json', join(dir, 'full.csv')]), /overwrite/);
    assert.equal(readFileSync(join(dir, 'full.csv'), 'utf8'), before);
  });
});
