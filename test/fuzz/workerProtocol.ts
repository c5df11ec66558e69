// Messages between the fuzz supervisor and its worker process (kept apart from worker.ts, whose
// import alone would set the worker up).
import type { OutcomeKind } from './targets';

/** Written to stderr when an error escapes after the input that caused it was answered. */
export const ESCAPED_AFTER = 'fuzz worker: escaped after the previous input';

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
