// Cancel at every phase of the full loop (reading, splitting off the holdout in memory, fitting, writing
// the generator, sampling, writing the table, reading for evaluation, evaluating, writing the report) and of the single jobs, on a 200k-row
// table made here so every phase lasts long enough for an abort to land inside it. The abort comes from
// a timer, as a cancel button or Ctrl-C does, so a loop that never yields would be caught. Bound (a
// behaviour bound, not a benchmark): the job settles with CANCELLED within 1 s of the abort being due,
// leaves no partial file (temp + rename), and the source file's SHA-256 is unchanged.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { fitGenerator } from '../../../src/engine/fit';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { generateSynthetic } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import type { EngineProgress } from '../../../src/engine/progress';
import { INFERENCE_SCRIPT, listTree, sha256, writeBigTable } from './safetyHarness';

const ROWS = 200_000;
const BOUND_MS = 1000;

interface Outcome {
  readonly settleMs: number;
  readonly landedIn: string;
}

/** 'entry': abort inside onProgress; a number: abort from a timer that many ms after the phase began. */
type AbortMode = 'entry' | number;

/**
 * Runs `job`, and when it enters the `occurrence`-th phase named `phase` schedules the abort. Returns
 * how long after the abort was due the job settled (a timer that fires late because the loop was
 * blocked counts against the job), and the phase the job was in when the abort fired.
 */
async function cancelAt(
  phase: string,
  occurrence: number,
  mode: AbortMode,
  job: (signal: AbortSignal, onProgress: (p: EngineProgress) => void) => Promise<unknown>,
): Promise<Outcome> {
  const controller = new AbortController();
  let current = '';
  let seen = 0;
  let dueAt = 0;
  let landedIn = '(never)';
  const fire = (): void => {
    landedIn = current;
    controller.abort();
  };
  const onProgress = (p: EngineProgress): void => {
    if (p.phase === current) return;
    current = p.phase;
    if (p.phase === phase && ++seen === occurrence && dueAt === 0) {
      dueAt = performance.now() + (mode === 'entry' ? 0 : mode);
      if (mode === 'entry') fire();
      else setTimeout(fire, mode);
    }
  };
  try {
    await job(controller.signal, onProgress);
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
    assert.equal(e.code, 'CANCELLED', e.message);
    assert.ok(dueAt > 0, `phase ${phase} #${occurrence} never entered`);
    return { settleMs: performance.now() - dueAt, landedIn };
  }
  assert.fail(`the job finished although it was cancelled in ${phase} #${occurrence} (abort landed in ${landedIn})`);
}

describe(`cancel at every phase on a ${ROWS}-row table`, { timeout: 300_000 }, () => {
  let workspace: string;
  let dataset: string;
  let sourceHash: string;
  let client: InferenceClient;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'medsynth-cancel-'));
    mkdirSync(join(workspace, 'data'));
    dataset = join(workspace, 'data', 'big.csv');
    writeBigTable(dataset, ROWS);
    sourceHash = sha256(dataset);
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  const assertClean = (out: Outcome, what: string): void => {
    assert.ok(out.settleMs <= BOUND_MS, `${what}: settled ${out.settleMs.toFixed(0)} ms after the abort (bound ${BOUND_MS} ms)`);
    assert.equal(sha256(dataset), sourceHash, `${what}: the source file changed`);
    assert.deepEqual(listTree(join(workspace, 'data')), ['big.csv'], `${what}: files appeared beside the source`);
    const outputs = existsSync(join(workspace, 'out')) ? listTree(join(workspace, 'out')) : [];
    assert.deepEqual(outputs, [], `${what}: partial output left: ${outputs.join(', ')}`);
  };

  // [phase, occurrence, mode, the phase the abort must land in]. The report files are small and written
  // right before the final rename, so that phase is cancelled on entry; every other one by a timer, at
  // the phase's first turn (0 ms) and, for the long ones, deep inside it. A deep abort may land after
  // the phase ended on a slow machine (undefined: not asserted); the 1 s bound holds either way.
  const cases: readonly [string, number, AbortMode, string | undefined][] = [
    ['read', 1, 0, 'read'],
    ['read', 1, 300, undefined],
    ['split', 1, 'entry', 'split'],
    ['fit', 1, 0, 'fit'],
    ['fit', 1, 150, undefined],
    ['write', 1, 'entry', 'write'],
    ['generate', 1, 0, 'generate'],
    ['write', 2, 0, 'write'],
    ['write', 2, 300, undefined],
    ['read', 2, 0, 'read'],
    ['evaluate', 1, 0, 'evaluate'],
    ['evaluate', 1, 400, undefined],
    ['evaluate', 1, 1500, undefined],
    ['write', 3, 'entry', 'write'],
  ];
  for (const [phase, occurrence, mode, landIn] of cases) {
    const how = mode === 'entry' ? 'on entry' : `${mode} ms in`;
    it(`full loop: cancel in ${phase} #${occurrence} (${how}) settles with CANCELLED within ${BOUND_MS} ms, no partial files, source unchanged`, async (t) => {
      const out = await cancelAt(phase, occurrence, mode, (signal, onProgress) =>
        runFullLoop({
          dataset,
          workspaceRoot: workspace,
          outputFolder: 'out',
          n: ROWS,
          seed: 5,
          client,
          executionProviders: ['cpu'],
          signal,
          onProgress,
          metrics: occurrence === 3 ? ['fidelity.ksComplement'] : undefined,
        }),
      );
      t.diagnostic(`${phase} #${occurrence}: settled ${out.settleMs.toFixed(0)} ms after the abort was due (landed in ${out.landedIn})`);
      if (landIn !== undefined) assert.equal(out.landedIn, landIn);
      assertClean(out, `${phase} #${occurrence}`);
    });
  }

  it('single jobs: fit (fitting), generate (writing) and evaluate (evaluating) cancel cleanly', async () => {
    const outDir = join(workspace, 'out', 'gen');
    let out = await cancelAt('fit', 1, 50, (signal, onProgress) =>
      fitGenerator({ dataset, generator: 'copula', outDir, signal, onProgress }),
    );
    assert.equal(out.landedIn, 'fit');
    assertClean(out, 'fitGenerator');
    const gen = join(workspace, 'gen');
    await fitGenerator({ dataset, generator: 'copula', outDir: gen });
    const synth = join(workspace, 'out', 'synthetic.csv');
    out = await cancelAt('write', 1, 50, (signal, onProgress) =>
      generateSynthetic({ generatorPath: gen, n: ROWS, seed: 1, out: synth, client, executionProviders: ['cpu'], signal, onProgress }),
    );
    assert.equal(out.landedIn, 'write');
    assertClean(out, 'generateSynthetic');
    const synthDone = join(workspace, 'synth.csv');
    await generateSynthetic({ generatorPath: gen, n: ROWS, seed: 1, out: synthDone, client, executionProviders: ['cpu'] });
    out = await cancelAt('evaluate', 1, 700, (signal, onProgress) =>
      evaluateSynthetic({
        real: dataset,
        synth: synthDone,
        json: join(workspace, 'out', 'report.json'),
        html: join(workspace, 'out', 'report.html'),
        signal,
        onProgress,
      }),
    );
    assert.equal(out.landedIn, 'evaluate');
    assertClean(out, 'evaluateSynthetic');
  });
});
