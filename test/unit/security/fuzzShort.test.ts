// The bounded fuzz run inside the test command: every target for a few seconds (MEDSYNTH_FUZZ_SECONDS,
// default 6, so under a minute in all) with a fixed seed (MEDSYNTH_FUZZ_SEED) so a failure reproduces
// with `node --import tsx test/fuzz/main.ts --seed <seed> --targets <target>`. Failing inputs are kept
// in a temporary folder named in the failure message, never in the source tree.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCampaign } from '../../fuzz/campaign';
import { FuzzWorker } from '../../fuzz/supervisor';
import { TARGET_NAMES } from '../../fuzz/targets';

const SECONDS = Number(process.env.MEDSYNTH_FUZZ_SECONDS ?? 6);
const SEED = Number(process.env.MEDSYNTH_FUZZ_SEED ?? 20_261_128) >>> 0;
const saveDir = mkdtempSync(join(tmpdir(), 'medsynth-fuzz-short-'));
const worker = new FuzzWorker();
let failed = false;
after(() => {
  worker.dispose();
  // Kept inputs are named in a failure message; with none, the folder is empty and goes.
  if (!failed) rmSync(saveDir, { recursive: true, force: true });
});

for (const target of TARGET_NAMES) {
  test(
    `fuzz ${target} for ${SECONDS} s (seed ${SEED}): only valid results or MedSynthErrors`,
    { timeout: SECONDS * 1000 + 90_000 },
    async () => {
      const r = await runCampaign({ target, seconds: SECONDS, seed: SEED, worker, saveDir });
      assert.ok(r.inputs > 0, 'no input was tried');
      failed ||= r.failures.length > 0;
      const lines = r.failures.map((f) => `${f.kind} x${f.count} (${f.how}) ${f.message.split('\n')[0].slice(0, 200)} -> ${f.file ?? ''}`);
      assert.deepEqual(lines, [], `${r.inputs} inputs, ${JSON.stringify(r.outcomes)}`);
    },
  );
}
