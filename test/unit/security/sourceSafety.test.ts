// Source safety: a full fit -> generate -> evaluate loop, and loops cancelled at each phase, only ever
// read the source tables (same bytes, size and modification time afterwards) and a cancelled loop
// leaves nothing behind in the output folder: no run folder, no '.partial' work folder, no temp file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMedSynthError } from '../../../src/core/errors';
import { runFullLoop } from '../../../src/engine/fullLoop';
import type { EngineProgress } from '../../../src/engine/progress';
import { fingerprint, listFiles, scratchWorkspace, suiteBundle } from './securityHarness';

const SOURCES = ['patients.csv', 'breast_cancer.csv'];
const suite = suiteBundle();
const { scratch } = suite;

function workspace(): { ws: string; sources: string[] } {
  const ws = scratchWorkspace(SOURCES);
  scratch.push(ws);
  return { ws, sources: SOURCES.map((f) => join(ws, f)) };
}

/** Names a crash or cancel could leave behind: temp files, partial folders, editor-style backups. */
const LEFTOVER = /(^|\/)\.|\.tmp|\.partial|\.part$|~$/;

let phases: string[] = [];

test('a full loop leaves the source tables byte-for-byte unchanged', async () => {
  const { ws, sources } = workspace();
  const before = fingerprint(sources);
  const seen: string[] = [];
  const res = await runFullLoop({
    dataset: sources[0],
    workspaceRoot: ws,
    n: 150,
    seed: 3,
    inferenceScript: suite.bundle().inference,
    onProgress: (p: EngineProgress) => seen.push(p.phase),
  });
  assert.deepEqual(fingerprint(sources), before);
  for (const f of Object.values(res.files)) assert.ok(existsSync(f), `${f} missing`);
  const files = listFiles(join(ws, 'synthetic'));
  assert.deepEqual(
    files.filter((f) => LEFTOVER.test(f)),
    [],
  );
  phases = seen;
  assert.ok(phases.length >= 3, `too few progress events: ${phases.join(', ')}`);
});

test('a loop cancelled at each phase leaves sources unchanged and no partial output', async (t) => {
  // The n-th event of each phase in the full run: read, fit, write, load, generate, evaluate...
  const events = phases.length > 0 ? phases : ['read', 'fit', 'write', 'load', 'generate', 'evaluate'];
  const targets = events.map((phase, i) => ({ phase, nth: events.slice(0, i).filter((p) => p === phase).length }));
  for (const { phase, nth } of targets) {
    await t.test(`cancelled at ${phase} #${nth + 1}`, async () => {
      const { ws, sources } = workspace();
      const before = fingerprint(sources);
      const controller = new AbortController();
      let count = 0;
      const started = Date.now();
      let abortedAt = 0;
      const run = runFullLoop({
        dataset: sources[1],
        workspaceRoot: ws,
        n: 2000,
        seed: 5,
        batch: 100,
        inferenceScript: suite.bundle().inference,
        signal: controller.signal,
        onProgress: (p: EngineProgress) => {
          if (p.phase === phase && count++ === nth) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      await assert.rejects(run, (e: unknown) => isMedSynthError(e) && e.code === 'CANCELLED');
      assert.ok(abortedAt > 0, 'the abort point was never reached');
      assert.ok(
        Date.now() - abortedAt < 5000,
        `stopping took ${Date.now() - abortedAt} ms after the abort (${Date.now() - started} ms in all)`,
      );
      assert.deepEqual(fingerprint(sources), before, 'a source table changed');
      const out = join(ws, 'synthetic');
      const left = existsSync(out) ? listFiles(out) : [];
      assert.deepEqual(left, [], `left in the output folder: ${left.join(', ')}`);
      assert.deepEqual(
        readdirSync(ws).sort(),
        [...SOURCES, ...(existsSync(out) ? ['synthetic'] : [])].sort(),
        'files appeared beside the sources',
      );
    });
  }
});
