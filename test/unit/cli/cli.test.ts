// The `medsynth` contract from issue 2, through the bundled CLI in a real process: each command, exit
// codes (0 ok, 1 run failed, 2 bad usage/input with a one-line reason), and no partial output files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { providerAbsent } from '../../../src/inference/session';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');
const BREAST = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');
const RAGGED = join(ROOT, 'test', 'fixtures', 'tables', 'bad', 'ragged.csv');
const HEADER_OF_PATIENTS = readFileSync(PATIENTS, 'utf8').split('\n')[0].trim().split(',');

/** A CSV without quoted fields (both samples used here have none), read by hand: header and cells. */
function plainCsv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.replace(/\r$/, '').split(','));
  return { header, rows };
}

/** Cells agree when they are the same text, or the same number written differently ("35.0" and "35"). */
function sameCell(a: string, b: string): boolean {
  if (a === b) return true;
  const isNumber = (t: string): boolean => /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t);
  return isNumber(a) && isNumber(b) && Number(a) === Number(b);
}

function assertSameCells(path: string, expected: { header: string[]; rows: string[][] }): void {
  const got = plainCsv(path);
  assert.deepEqual(got.header, expected.header);
  assert.equal(got.rows.length, expected.rows.length);
  for (let r = 0; r < expected.rows.length; r++) {
    assert.equal(got.rows[r].length, expected.header.length, `row ${r + 1}`);
    for (let c = 0; c < expected.header.length; c++) {
      assert.ok(
        sameCell(got.rows[r][c], expected.rows[r][c]),
        `row ${r + 1}, ${expected.header[c]}: '${got.rows[r][c]}' vs '${expected.rows[r][c]}'`,
      );
    }
  }
}

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
    // Every hint is one a user can act on: no internal option names (headRows is the preview's own).
    assert.doesNotMatch(runCliProcess(['inspect', PATIENTS, '--max-rows', '499']).stderr, /headRows/);
    assertUsageFailure(runCliProcess(['inspect', PATIENTS, '--max-cells', '3999']), /more than 3999 cells.*--max-cells/);
    assert.equal(runCliProcess(['inspect', PATIENTS, '--max-rows', '500', '--max-cells', '4000', '--json']).code, 0);
    const out = join(dir, 'capped.parquet');
    assertUsageFailure(runCliProcess(['convert', PATIENTS, out, '--max-rows', '10']), /--max-rows/);
    assert.equal(existsSync(out), false);
    assertUsageFailure(
      runCliProcess(['fit', PATIENTS, '--generator', 'copula', '--out', join(dir, 'capped-gen'), '--max-rows', '10']),
      /--max-rows/,
    );
    assert.equal(existsSync(join(dir, 'capped-gen')), false);
    assertUsageFailure(runCliProcess(['inspect', PATIENTS, '--max-rows', '0']), /at least 1/);
  });

  it('inspect describes a generator folder with its model inputs and outputs', () => {
    const res = runCliProcess(['inspect', model, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const d = JSON.parse(res.stdout) as { kind: string; model: { inputs: { name: string }[]; outputs: { name: string }[] } };
    assert.equal(d.kind, 'generator');
    assert.deepEqual(
      d.model.inputs.map((i) => i.name),
      ['z'],
    );
    assert.deepEqual(
      d.model.outputs.map((o) => o.name),
      ['x'],
    );
  });

  it('inspect without --json prints a generator summary: name, family, inputs and outputs with shapes, columns with kinds, provenance', () => {
    type Io = { name: string; dims: (number | string)[]; type: string };
    const d = JSON.parse(runCliProcess(['inspect', model, '--json']).stdout) as {
      model: { inputs: Io[]; outputs: Io[] };
      manifest: { postprocess: { columns: { name: string; kind: string }[] } };
    };
    for (const target of [model, join(model, 'model.onnx')]) {
      const res = runCliProcess(['inspect', target]);
      assert.equal(res.code, 0, res.stderr);
      const lines = res.stdout.trimEnd().split('\n');
      assert.match(lines[0], /: table generator "gaussian-copula", family single-pass$/);
      assert.doesNotMatch(res.stdout, /^\s*[{}[\]]/m, 'no JSON in the human form');
      const line = (re: RegExp): string => lines.find((l) => re.test(l)) ?? assert.fail(`no line ${re}: ${res.stdout}`);
      for (const io of [...d.model.inputs, ...d.model.outputs])
        assert.ok(line(new RegExp(`^  ${io.name} `)).includes(`${io.type} [${io.dims.join(', ')}]`), io.name);
      assert.match(line(/^ {2}z /), /latent noise \(normal\)/);
      // The columns are the sample's header, each with the kind the manifest records.
      assert.equal(line(/^columns/), `columns (${HEADER_OF_PATIENTS.length}):`);
      const kinds = Object.fromEntries(d.manifest.postprocess.columns.map((c) => [c.name, c.kind]));
      for (const name of HEADER_OF_PATIENTS)
        assert.match(line(new RegExp(`^  ${name} +`)), new RegExp(`^  ${name} +${kinds[name]} `), name);
      assert.match(line(/^ {2}patient_id /), /identifier +regenerated as SYN-…, never copied/);
      assert.match(
        line(/^provenance:/),
        /created by medsynth fit --generator copula at \S+ trained on patients\.csv \(sha256 [0-9a-f]{64}\)/,
      );
    }
  });

  it('inspect: a ragged CSV, a missing file and an unknown type exit 2 with one line', () => {
    assertUsageFailure(runCliProcess(['inspect', RAGGED, '--json']), /ragged\.csv/);
    assertUsageFailure(runCliProcess(['inspect', join(dir, 'nope.csv')]));
    const odd = join(dir, 'notes.xyz');
    writeFileSync(odd, 'hello');
    assertUsageFailure(runCliProcess(['inspect', odd]));
  });

  it('convert csv -> parquet -> csv and csv -> jsonl -> csv keep every cell; bad targets exit 2 and write nothing', () => {
    const pq = join(dir, 'b.parquet');
    const back = join(dir, 'b.csv');
    assert.equal(runCliProcess(['convert', BREAST, pq]).code, 0);
    assert.equal(runCliProcess(['convert', pq, back]).code, 0);
    // Every cell against the source read by hand: 569 rows × 31 numeric columns.
    const breast = plainCsv(BREAST);
    assert.deepEqual([breast.rows.length, breast.header.length], [569, 31]);
    assertSameCells(back, breast);
    // Mixed types (ids, dates, categories, booleans, empty cells) through Parquet and through JSON Lines.
    const patients = plainCsv(PATIENTS);
    for (const via of ['p.parquet', 'p.jsonl']) {
      const mid = join(dir, via);
      const out = join(dir, `${via}.csv`);
      assert.equal(runCliProcess(['convert', PATIENTS, mid]).code, 0, via);
      assert.equal(runCliProcess(['convert', mid, out]).code, 0, via);
      assertSameCells(out, patients);
    }
    assert.ok(
      patients.rows.some((r) => r.includes('')),
      'the sample has empty cells, and they stay empty',
    );
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
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('.')),
      [],
    );
  });

  it('generate: same model + seed + n gives byte-identical CSV, also split into shards', () => {
    const full = join(dir, 'full.csv');
    const again = join(dir, 'again.csv');
    assert.equal(runCliProcess(['generate', model, '--n', '301', '--seed', '11', '--out', full, '--batch', '64']).code, 0);
    assert.equal(
      runCliProcess(['generate', join(model, 'model.onnx'), '--n', '301', '--seed', '11', '--out', again, '--batch', '300']).code,
      0,
    );
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
    if (providerAbsent('cuda')) {
      // A machine without CUDA is normal: the output says where it ran, and no warning is printed.
      assert.match(res.stdout, / on cpu \(cuda is not available here\)/);
      assert.equal(res.stderr, '');
      const plain = runCliProcess(['generate', model, '--n', '5', '--seed', '1', '--out', out]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stderr, '');
    } else {
      assert.match(res.stderr, /'cuda' unavailable/);
    }
    const bad = join(dir, 'bad.csv');
    for (const n of ['ten', '-5', '0', '1.5'])
      assertUsageFailure(
        runCliProcess(['generate', model, '--n', n, '--seed', '1', '--out', bad]),
        new RegExp(`generate: --n must be a whole number of at least 1, got '${n.replace('.', '\\.')}'$`),
      );
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

  it('evaluate prints a summary table, says where it wrote each report, and writes JSON { modality, metrics } and HTML', () => {
    const synth = join(dir, 'full.csv');
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const md = join(dir, 'report.md');
    const res = runCliProcess(['evaluate', '--real', PATIENTS, '--synth', synth, '--json', json, '--html', html, '--markdown', md]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /fidelity\.ksComplement/);
    assert.match(res.stdout, /privacy\.dcr/);
    const tail = res.stdout.trimEnd().split('\n').slice(-3);
    assert.deepEqual(tail, [`wrote the JSON report to ${json}`, `wrote the HTML report to ${html}`, `wrote the Markdown report to ${md}`]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { modality: string; metrics: { id: string; score: number | null }[] };
    assert.equal(report.modality, 'table');
    for (const m of report.metrics) assert.ok(m.score === null || Number.isFinite(m.score), m.id);
    const page = readFileSync(html, 'utf8');
    assert.doesNotMatch(page, /<script/i);
    assert.doesNotMatch(page, /https?:\/\//);
    assert.ok(existsSync(md));
  });

  it('evaluate on a tiny table gives the hand-computed scores and details', () => {
    // real: x = 1.5, 2.5, 3.5, 4.5 with sex M, M, F, F; synth: x = 1.5, 2.5, 5.5, 6.5 with sex M, F, F, F.
    // KS: the empirical CDFs differ most at x = 4.5 (real 4/4, synth 2/4): D = 0.5, complement 0.5.
    // TV for sex: real M 1/2, F 1/2; synth M 1/4, F 3/4: TV = (1/4 + 1/4) / 2 = 0.25, complement 0.75.
    // Exact copies: only the synthetic row (1.5, M) is a real row: 1 of 4 synthetic rows, share 0.25.
    const real = join(dir, 'tiny-real.csv');
    const synth = join(dir, 'tiny-synth.csv');
    writeFileSync(real, 'x,sex\n1.5,M\n2.5,M\n3.5,F\n4.5,F\n');
    writeFileSync(synth, 'x,sex\n1.5,M\n2.5,F\n5.5,F\n6.5,F\n');
    const json = join(dir, 'tiny.json');
    const metrics = 'fidelity.ksComplement,fidelity.tvComplement,privacy.exactCopies';
    const res = runCliProcess([
      'evaluate',
      '--real',
      real,
      '--synth',
      synth,
      '--metrics',
      metrics,
      '--types',
      'x=numeric,sex=categorical',
      '--json',
      json,
    ]);
    assert.equal(res.code, 0, res.stderr);
    type Metric = { id: string; score: number | null; details: Record<string, unknown> };
    const report = JSON.parse(readFileSync(json, 'utf8')) as { real: { rows: number }; synth: { rows: number }; metrics: Metric[] };
    assert.deepEqual([report.real.rows, report.synth.rows], [4, 4]);
    const byId = (id: string): Metric => report.metrics.find((m) => m.id === id) ?? assert.fail(id);
    const ks = byId('fidelity.ksComplement');
    assert.ok(Math.abs((ks.score ?? NaN) - 0.5) < 1e-12, String(ks.score));
    assert.deepEqual(Object.keys(ks.details.perColumn as object), ['x']);
    assert.ok(Math.abs((ks.details.perColumn as { x: number }).x - 0.5) < 1e-12);
    const tv = byId('fidelity.tvComplement');
    assert.ok(Math.abs((tv.score ?? NaN) - 0.75) < 1e-12, String(tv.score));
    assert.ok(Math.abs((tv.details.perColumn as { sex: number }).sex - 0.75) < 1e-12);
    const copies = byId('privacy.exactCopies');
    assert.ok(Math.abs((copies.score ?? NaN) - 0.25) < 1e-12, String(copies.score));
    assert.equal(copies.details.copies, 1);
    assert.equal(copies.details.synthRows, 4);
    assert.equal(copies.details.distinctRealRows, 4);
    // The printed table shows the same numbers.
    assert.match(res.stdout, /fidelity\.ksComplement\s+0\.5\b/);
    assert.match(res.stdout, /fidelity\.tvComplement\s+0\.75\b/);
  });

  it('evaluate: unknown metric, missing --synth, or a report over an input exit 2 and write nothing', () => {
    const json = join(dir, 'no.json');
    assertUsageFailure(
      runCliProcess(['evaluate', '--real', PATIENTS, '--synth', join(dir, 'full.csv'), '--metrics', 'fidelity.nope', '--json', json]),
    );
    assert.equal(existsSync(json), false);
    assertUsageFailure(runCliProcess(['evaluate', '--real', PATIENTS]), /--synth/);
    const before = readFileSync(join(dir, 'full.csv'), 'utf8');
    assertUsageFailure(
      runCliProcess(['evaluate', '--real', PATIENTS, '--synth', join(dir, 'full.csv'), '--json', join(dir, 'full.csv')]),
      /overwrite/,
    );
    assert.equal(readFileSync(join(dir, 'full.csv'), 'utf8'), before);
  });
});
