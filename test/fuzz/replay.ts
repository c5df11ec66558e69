// Replays the kept failing inputs under test/fixtures/fuzz/<target>/ (gzipped when big) through the
// same bounded worker the fuzzer uses, so a regression test catches a hang or an abort as well.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CONFIRM_FACTOR } from './campaign';
import type { FuzzWorker, Outcome } from './supervisor';
import { ROOT, TARGET_NAMES, fixtureExtension } from './targets';
import type { TargetName } from './targets';

export const REGRESSION_DIR = join(ROOT, 'test', 'fixtures', 'fuzz');

export interface RegressionInput {
  readonly target: TargetName;
  readonly file: string;
}

/** Synchronous, so that a test file can declare one test per kept input at load time. */
export function listRegressionInputs(dir: string = REGRESSION_DIR): RegressionInput[] {
  const out: RegressionInput[] = [];
  for (const target of TARGET_NAMES) {
    const ext = `.${fixtureExtension(target)}`;
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, target));
    } catch {
      continue; // No kept input for this target.
    }
    for (const name of names.sort())
      if (name.endsWith(ext) || name.endsWith(`${ext}.gz`)) out.push({ target, file: join(dir, target, name) });
  }
  return out;
}

export async function readRegressionInput(input: RegressionInput): Promise<Uint8Array> {
  const raw = new Uint8Array(await readFile(input.file));
  return input.file.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : raw;
}

/** One run, and a second on a fresh worker with a looser bound when the first timed out (a busy machine is not a hang). */
export async function replayInput(worker: FuzzWorker, input: RegressionInput): Promise<Outcome> {
  const bytes = await readRegressionInput(input);
  const first = await worker.run(input.target, bytes);
  return first.kind === 'timeout' ? worker.run(input.target, bytes, CONFIRM_FACTOR * worker.timeoutMs) : first;
}
