// The fuzz worker: a child process that runs inputs one at a time for the supervisor and answers
// with the outcome. It is a separate process so that a hang can be killed, an out-of-memory abort
// does not take the fuzzer down, and --max-old-space-size bounds the heap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMedSynthError } from '../../src/core/errors';
import { executeTarget, isTargetName, prepareScratch } from './targets';
import type { OutcomeKind } from './targets';

export interface WorkerRequest {
  readonly id: number;
  readonly target: string;
  readonly bytes: Uint8Array;
}

export interface WorkerAnswer {
  readonly id: number;
  readonly kind: OutcomeKind;
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly ms: number;
  /** Peak resident set size of the worker so far, in MiB. */
  readonly peakRssMiB: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'medsynth-fuzz-'));
let current: WorkerRequest | undefined;
let started = 0;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function answer(a: Omit<WorkerAnswer, 'ms' | 'peakRssMiB'>): void {
  process.send?.({ ...a, ms: Math.round(performance.now() - started), peakRssMiB: peakRssMiB() } satisfies WorkerAnswer);
}

function describe(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: `${e.name}: ${e.message}`.slice(0, 2000), stack: e.stack?.split('\n').slice(0, 14).join('\n') };
  return { message: String(e).slice(0, 2000) };
}

// An error thrown from a timer or a stray promise inside a parser escapes the await: report it as
// the current input's failure rather than dying silently.
const escaped = (e: unknown): void => {
  if (current) answer({ id: current.id, kind: 'exception', ...describe(e), message: `escaped: ${describe(e).message}` });
  cleanup();
  process.exit(70);
};
process.on('uncaughtException', escaped);
process.on('unhandledRejection', escaped);

function cleanup(): void {
  rmSync(scratch, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('disconnect', () => process.exit(0));

const ready = prepareScratch(scratch);

process.on('message', (m: WorkerRequest) => {
  void (async (): Promise<void> => {
    await ready;
    current = m;
    if (!isTargetName(m.target)) {
      answer({ id: m.id, kind: 'exception', message: `unknown target ${m.target}` });
      return;
    }
    started = performance.now();
    try {
      const kind = await executeTarget(m.target, new Uint8Array(m.bytes), scratch);
      answer({ id: m.id, kind });
    } catch (e) {
      if (isMedSynthError(e)) answer({ id: m.id, kind: 'error', code: e.code, message: e.message.slice(0, 300) });
      else answer({ id: m.id, kind: 'exception', ...describe(e) });
    }
    current = undefined;
  })();
});
process.send?.({ id: 0, kind: 'ok', ms: 0, peakRssMiB: peakRssMiB() } satisfies WorkerAnswer);
