// Long metric loops written once as generators that `yield` at safe points (every few thousand rows),
// then run either straight through (the synchronous API the tests and reports call) or with a turn of
// the event loop every few tens of milliseconds, so that a cancel from the editor or Ctrl-C, which
// arrives as a timer or message event, lands while a 100k-row table is being compared instead of
// after it. The same pattern as fitCopulaAsync; both runs give the same result.
import { throwIfAborted } from '../errors';
import { yieldToEventLoop } from './tableColumns';

/** Work that yields (no value) between slices and returns its result. */
export type WorkSteps<T> = Generator<void, T, void>;

/** Rows (or row-sized units of work) between two yield points of a WorkSteps loop. */
export const ROWS_PER_STEP = 4096;

/** How long a yielding run may hold the event loop before it gives it a turn. */
export const SLICE_MS = 20;

/** Runs the steps to the end without giving the event loop a turn (an already-aborted signal still stops it). */
export function runSteps<T>(steps: WorkSteps<T>, signal?: AbortSignal): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    throwIfAborted(signal);
  }
}

/**
 * Runs the steps, yielding to the event loop whenever `sliceMs` have passed since the last turn, and
 * throws CANCELLED at the first step after `signal` aborts.
 */
export async function runStepsYielding<T>(steps: WorkSteps<T>, signal?: AbortSignal, sliceMs = SLICE_MS): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    throwIfAborted(signal);
    if (performance.now() - since >= sliceMs) {
      await yieldToEventLoop();
      throwIfAborted(signal);
      since = performance.now();
    }
  }
}

/**
 * A checkpoint for a long async loop: resolves at once until SLICE_MS have passed since the last turn
 * of the event loop, then gives it one (so a cancel can arrive), and throws CANCELLED once `signal` aborted.
 */
export function timeSlicer(signal?: AbortSignal): () => Promise<void> {
  let since = performance.now();
  return async () => {
    throwIfAborted(signal);
    if (performance.now() - since < SLICE_MS) return;
    await yieldToEventLoop();
    throwIfAborted(signal);
    since = performance.now();
  };
}
