// The supervising side of the fuzz worker: sends one input at a time, enforces the time bound by
// killing the worker, the memory bound through --max-old-space-size and the worker's peak RSS, and
// turns a dead worker into a 'crash' outcome. A worker that failed is replaced before the next input.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutcomeKind, TargetName } from './targets';
import type { WorkerAnswer } from './workerProtocol';
import { ESCAPED_AFTER } from './workerProtocol';

export interface Outcome {
  readonly kind: OutcomeKind;
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly ms: number;
  readonly peakRssMiB?: number;
  /** The worker died of an error left behind by the previous input, which is the one to keep. */
  readonly fromPrevious?: boolean;
}

export interface Bounds {
  /** Wall time one input may take. */
  readonly timeoutMs: number;
  /** V8 heap cap of the worker. */
  readonly heapMiB: number;
  /** Peak resident memory above which an input counts as a runaway allocation. */
  readonly rssMiB: number;
}

export const DEFAULT_BOUNDS: Bounds = { timeoutMs: 2000, heapMiB: 768, rssMiB: 1024 };

export class FuzzWorker {
  private child: ChildProcess | undefined;
  private readyPromise: Promise<void> | undefined;
  private nextId = 1;
  private stderrTail = '';
  private scratch: string | undefined;
  private waiting: ((a: WorkerAnswer | undefined) => void) | undefined;
  /** How many workers were started (each failure costs one restart). */
  restarts = 0;

  constructor(private readonly bounds: Bounds = DEFAULT_BOUNDS) {}

  private start(): Promise<void> {
    this.restarts++;
    this.stderrTail = '';
    this.removeScratch();
    this.scratch = mkdtempSync(join(tmpdir(), 'medsynth-fuzz-'));
    const child = fork(join(__dirname, 'worker.ts'), [], {
      env: { ...process.env, MEDSYNTH_FUZZ_SCRATCH: this.scratch },
      execArgv: ['--import', 'tsx', `--max-old-space-size=${this.bounds.heapMiB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-3000);
    });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`fuzz worker exited at start (${code}): ${this.stderrTail}`)));
    });
    child.on('message', (m: WorkerAnswer) => {
      if (m.id !== 0) this.waiting?.(m);
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      this.waiting?.(undefined);
    });
    return ready;
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.readyPromise = undefined;
    child?.kill('SIGKILL');
  }

  private removeScratch(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }

  /** Starts the worker (tsx start-up takes seconds on a busy machine) so that it is not billed to an input. */
  async warmUp(): Promise<void> {
    if (!this.child || !this.readyPromise) this.readyPromise = this.start();
    await this.readyPromise;
  }

  /** The wall-time bound for one input. */
  get timeoutMs(): number {
    return this.bounds.timeoutMs;
  }

  async run(target: TargetName, bytes: Uint8Array, timeoutMs: number = this.bounds.timeoutMs): Promise<Outcome> {
    await this.warmUp();
    const child = this.child;
    if (!child) return { kind: 'crash', message: 'worker vanished before the input', ms: 0 };
    const id = this.nextId++;
    const started = performance.now();
    const answer = await new Promise<WorkerAnswer | 'timeout' | undefined>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.waiting = (a): void => {
        clearTimeout(timer);
        resolve(a);
      };
      child.send({ id, target, bytes });
    });
    this.waiting = undefined;
    const ms = Math.round(performance.now() - started);
    if (answer === 'timeout') {
      this.kill();
      return { kind: 'timeout', message: `no answer within ${timeoutMs} ms`, ms };
    }
    if (answer === undefined || answer.id !== id) {
      const tail = this.stderrTail.trim().split('\n').slice(-14);
      const first = tail.find((l) => /error|fatal|memory/i.test(l)) ?? tail[0] ?? 'no stderr';
      this.kill();
      const fromPrevious = this.stderrTail.includes(ESCAPED_AFTER);
      return { kind: 'crash', message: `worker died: ${first}`, stack: tail.join('\n'), ms, ...(fromPrevious ? { fromPrevious } : {}) };
    }
    if (answer.peakRssMiB > this.bounds.rssMiB) {
      // Peak RSS only grows, so a fresh worker is needed to measure the next input on its own.
      this.kill();
      return {
        ...answer,
        kind: 'memory',
        message: `peak RSS ${answer.peakRssMiB} MiB > ${this.bounds.rssMiB} MiB (${answer.kind}${answer.message ? `: ${answer.message}` : ''})`,
      };
    }
    if (answer.kind === 'exception' && answer.message?.startsWith('escaped:')) this.kill();
    return answer;
  }

  dispose(): void {
    this.kill();
    this.removeScratch();
  }
}
