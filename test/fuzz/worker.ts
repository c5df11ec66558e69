// The fuzz worker: a child process that runs inputs one at a time for the supervisor and answers
// with the outcome. It is a separate process so that a hang can be killed, an out-of-memory abort
// does not take the fuzzer down, and --max-old-space-size bounds the heap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMedSynthError } from '../../src/core/errors';
import type { MedSynthError } from '../../src/core/errors';
import { executeTarget, isTargetName, prepareScratch } from './targets';
import { ESCAPED_AFTER } from './workerProtocol';
import type { WorkerAnswer, WorkerRequest } from './workerProtocol';

// The supervisor owns the scratch folder, so it can remove it even after killing this process.
const scratch = process.env.MEDSYNTH_FUZZ_SCRATCH ?? mkdtempSync(join(tmpdir(), 'medsynth-fuzz-'));
let current: WorkerRequest | undefined;
let started = 0;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function answer(a: Omit<WorkerAnswer, 'ms' | 'peakRssMiB'>, then?: () => void): void {
  process.send?.(
    { ...a, ms: Math.round(performance.now() - started), peakRssMiB: peakRssMiB() } satisfies WorkerAnswer,
    undefined,
    undefined,
    then,
  );
}

function describe(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: `${e.name}: ${e.message}`.slice(0, 2000), stack: e.stack?.split('\n').slice(0, 14).join('\n') };
  return { message: String(e).slice(0, 2000) };
}

// An error thrown from a timer or a stray promise inside a parser escapes the await: report it as
// the current input's failure rather than dying silently.
const escaped = (e: unknown): void => {
  process.stderr.write(`fuzz worker: escaped error ${describe(e).stack ?? describe(e).message}\n`);
  const exit = (): never => {
    cleanup();
    process.exit(70);
  };
  // Exit only once the answer is on its way, or the supervisor would see a bare crash.
  if (current) answer({ id: current.id, kind: 'exception', ...describe(e), message: `escaped: ${describe(e).message}` }, exit);
  else {
    process.stderr.write(`${ESCAPED_AFTER}\n`);
    exit();
  }
};
process.on('uncaughtException', escaped);
process.on('unhandledRejection', escaped);

function cleanup(): void {
  rmSync(scratch, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('disconnect', () => process.exit(0));

const ready = prepareScratch(scratch);

/**
 * loadGenerator wraps anything unexpected in an IO error. The scratch folder never fails to read, so
 * an IO error whose cause is not a file-system error (no errno code) is a parser bug in disguise.
 */
function maskedBug(target: string, e: MedSynthError): boolean {
  if (e.code !== 'IO' || (target !== 'generator' && target !== 'onnx')) return false;
  const cause: unknown = e.cause;
  return cause instanceof Error && !('code' in cause) && !('errno' in cause);
}

process.on('message', (m: WorkerRequest) => {
  void (async (): Promise<void> => {
    await ready;
    current = m;
    if (!isTargetName(m.target)) {
      answer({ id: m.id, kind: 'exception', message: `unknown target ${m.target}` });
      return;
    }
    started = performance.now();
    // A parser that leaves a promise behind can reject after its result: give such rejections a few
    // turns of the event loop to surface while this input is still the current one.
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      const kind = await executeTarget(m.target, new Uint8Array(m.bytes), scratch);
      await settle();
      answer({ id: m.id, kind });
    } catch (e) {
      await settle();
      if (isMedSynthError(e) && maskedBug(m.target, e))
        answer({ id: m.id, kind: 'exception', ...describe(e.cause), message: `masked as IO: ${describe(e.cause).message}` });
      else if (isMedSynthError(e)) answer({ id: m.id, kind: 'error', code: e.code, message: e.message.slice(0, 300) });
      else answer({ id: m.id, kind: 'exception', ...describe(e) });
    }
    current = undefined;
  })();
});
process.send?.({ id: 0, kind: 'ok', ms: 0, peakRssMiB: peakRssMiB() } satisfies WorkerAnswer);
