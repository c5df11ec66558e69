// The engine keeps what generate writes and what the readers accept consistent (issue 7): generate warns
// when its output passes the readers' default cell cap and names the option that reads it back; a
// sample past the values one run produces is refused before sampling, with hints each command takes;
// the full loop refuses an n its own evaluation could not read; and a loop that fails after creating its
// output root removes the root again. Expected numbers are products worked out in the comments.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MAX_CELLS } from '../../../src/core/data/limits';
import { MedSynthError } from '../../../src/core/errors';
import { fitGenerator } from '../../../src/engine/fit';
import { checkOutputFitsLimits, runFullLoop } from '../../../src/engine/fullLoop';
import { checkSampleSize, generateSynthetic, readCapNote } from '../../../src/engine/generate';
import { MAX_SAMPLE_VALUES } from '../../../src/inference/sampleLimits';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import type { EngineProgress } from '../../../src/engine/progress';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');

function isError(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => e instanceof MedSynthError && e.code === code && pattern.test(e.message);
}

describe('read caps and generated outputs', () => {
  it('readCapNote is silent up to the default cap and names --max-cells past it', () => {
    assert.equal(DEFAULT_MAX_CELLS, 50_000_000);
    // 6,250,000 rows × 8 columns = 50,000,000 cells: exactly the cap, readable.
    assert.equal(readCapNote(6_250_000, 8), undefined);
    // 6,250,001 × 8 = 50,000,008 cells.
    assert.match(
      readCapNote(6_250_001, 8) ?? '',
      /6250001 rows × 8 columns = 50000008 cells, more than the 50000000 cells .* --max-cells 50000008/,
    );
  });

  it('checkOutputFitsLimits refuses an n past the cells or rows the evaluation reads, with numbers', () => {
    checkOutputFitsLimits(6_250_000, 8, undefined);
    assert.throws(
      () => checkOutputFitsLimits(6_250_001, 8, undefined),
      isError('LIMIT_EXCEEDED', /50000008 cells.*--n of at most 6250000, or --max-cells of at least 50000008/),
    );
    // With --max-cells 1000 and 8 columns, at most floor(1000 / 8) = 125 rows.
    checkOutputFitsLimits(125, 8, { maxCells: 1000 });
    assert.throws(
      () => checkOutputFitsLimits(126, 8, { maxCells: 1000 }),
      isError('LIMIT_EXCEEDED', /--n of at most 125, or --max-cells of at least 1008/),
    );
    assert.throws(
      () => checkOutputFitsLimits(11, 8, { maxRows: 10 }),
      isError('LIMIT_EXCEEDED', /row limit of 10.*--n of at most 10, or --max-rows of at least 11/),
    );
  });
});

describe('generate and the full loop against their limits', () => {
  let dir: string;
  let gen: string;
  let client: InferenceClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medsynth-limits-'));
    gen = join(dir, 'gen');
    await fitGenerator({ dataset: PATIENTS, generator: 'copula', outDir: gen });
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  it('refuses a sample past the values one run produces before sampling, naming the limit and the --shard that fits', async () => {
    const features = 10;
    const n = Math.floor(MAX_SAMPLE_VALUES / features) + 1;
    for (const out of [join(dir, 'big.parquet'), join(dir, 'big.csv')]) {
      let sampled = false;
      await assert.rejects(
        generateSynthetic({ generatorPath: gen, n, seed: 1, out, client, onProgress: (p) => (sampled ||= p.phase === 'generate') }),
        (e: unknown) => {
          // 26,843,546 rows × 10 values is just past 268,435,456 = 2^28, so two shards fit.
          assert.ok(e instanceof MedSynthError && e.code === 'LIMIT_EXCEEDED', String(e));
          assert.match(
            e.message,
            new RegExp(`${n} rows × ${features} values per row is more than the ${MAX_SAMPLE_VALUES} values one generate run produces`),
          );
          assert.match(e.message, /--shard i\/2 for i = 0\.\.1/);
          return true;
        },
      );
      assert.equal(sampled, false);
      assert.equal(existsSync(out), false);
    }
    // Each of those two shards fits: 13,421,773 rows × 10 values.
    assert.doesNotThrow(() => checkSampleSize(Math.ceil(n / 2), features, { index: 1, count: 2 }));
  });

  it('run refuses an --n past the sampling limit with a hint run accepts, and leaves no folder', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-loop-sample-'));
    copyFileSync(PATIENTS, join(ws, 'patients.csv'));
    // 30,000,000 × 8 columns = 240,000,000 cells pass --max-cells 10^9; × 10 model outputs = 3 × 10^8 values do not.
    await assert.rejects(
      runFullLoop({
        dataset: join(ws, 'patients.csv'),
        workspaceRoot: ws,
        n: 30_000_000,
        seed: 1,
        limits: { maxCells: 1_000_000_000 },
        metrics: ['fidelity.tvComplement'],
        client,
      }),
      isError('LIMIT_EXCEEDED', /one generate run produces.*--n of at most 26843545/),
    );
    assert.deepEqual(readdirSync(ws), ['patients.csv']);
  });

  it("warns before writing an output past the readers' default cap, naming --max-cells (the job is then cancelled)", async () => {
    // 6,250,001 rows × 8 columns = 50,000,008 cells.
    const controller = new AbortController();
    const logs: string[] = [];
    const out = join(dir, 'big.csv');
    await assert.rejects(
      generateSynthetic({
        generatorPath: gen,
        n: 6_250_001,
        seed: 1,
        out,
        client,
        signal: controller.signal,
        onLog: (level, m) => (logs.push(`${level}: ${m}`), controller.abort()),
      }),
      isError('CANCELLED', /cancelled/),
    );
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0], /^warn: .*50000008 cells.*--max-cells 50000008/);
    assert.equal(existsSync(out), false);
  });

  it('a full loop that fails after fitting and generating removes the output root it created', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-loop-fail-'));
    copyFileSync(PATIENTS, join(ws, 'patients.csv'));
    const phases = new Set<string>();
    const onProgress = (p: EngineProgress): void => void phases.add(p.phase);
    await assert.rejects(
      runFullLoop({
        dataset: join(ws, 'patients.csv'),
        workspaceRoot: ws,
        outputFolder: 'out/deeper',
        n: 20,
        seed: 1,
        metrics: ['fidelity.nope'],
        client,
        executionProviders: ['cpu'],
        onProgress,
      }),
      (e: unknown) => e instanceof MedSynthError && /fidelity\.nope/.test(e.message),
    );
    assert.ok(phases.has('generate'), [...phases].join(','));
    assert.deepEqual(readdirSync(ws), ['patients.csv']);
  });

  it('a full loop with an n its evaluation could not read is refused before any folder is made', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-loop-cap-'));
    copyFileSync(PATIENTS, join(ws, 'patients.csv'));
    // patients.csv is 500 rows × 8 columns = 4,000 cells, so --max-cells 4000 reads it; 501 synthetic rows would be 4,008.
    await assert.rejects(
      runFullLoop({ dataset: join(ws, 'patients.csv'), workspaceRoot: ws, n: 501, seed: 1, limits: { maxCells: 4000 }, client }),
      isError('LIMIT_EXCEEDED', /--n of at most 500/),
    );
    assert.deepEqual(readdirSync(ws), ['patients.csv']);
  });
});
