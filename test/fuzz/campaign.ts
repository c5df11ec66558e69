// One fuzz campaign: a time-boxed loop over one target that feeds mutated and structure-aware inputs
// to the worker, keeps a small pool of inputs that reached a new outcome (a cheap coverage proxy),
// shrinks and saves each distinct failure, and counts everything for the report.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mutate } from './mutations';
import { FuzzRandom } from './random';
import type { FuzzWorker, Outcome } from './supervisor';
import { FAILURE_KINDS, buildStructured, fixtureExtension, loadCorpus } from './targets';
import type { TargetName } from './targets';

export interface FailureRecord {
  readonly signature: string;
  readonly kind: string;
  readonly message: string;
  readonly stack?: string;
  readonly how: string;
  readonly bytes: number;
  count: number;
  file?: string;
}

export interface CampaignResult {
  readonly target: TargetName;
  readonly seed: number;
  inputs: number;
  readonly outcomes: Record<string, number>;
  readonly errorCodes: Record<string, number>;
  readonly failures: FailureRecord[];
  /** Timeouts that did not repeat on a fresh worker: the machine was busy, not the parser stuck. */
  slowOnce: number;
  readonly seconds: number;
}

export interface CampaignOptions {
  readonly target: TargetName;
  readonly seconds: number;
  readonly seed: number;
  readonly worker: FuzzWorker;
  /** Where to keep failing inputs (<dir>/<target>/); none keeps nothing. */
  readonly saveDir?: string;
  readonly maxInputBytes?: number;
  readonly log?: (line: string) => void;
  /** Signatures of failures already kept as regression inputs (signature -> file): counted, not saved again. */
  readonly known?: ReadonlyMap<string, string>;
}

export const CONFIRM_FACTOR = 2.5;

const FIRST_FRAME = /\n\s+at .*?\(?([^()\s]*(?:src|node_modules)\/[^():]+)/;

export function failureSignature(target: string, o: Outcome): string {
  const message = (o.message ?? '')
    .replace(/\d+/g, 'N')
    .replace(/"[^"]*"|'[^']*'/g, 'S')
    .slice(0, 90);
  const frame = o.stack ? (FIRST_FRAME.exec(o.stack)?.[1] ?? '') : '';
  return `${target}|${o.kind}|${o.kind === 'timeout' || o.kind === 'memory' || o.kind === 'crash' ? '' : message}|${frame}`;
}

function tag(o: Outcome): string {
  return `${o.kind}|${o.code ?? ''}|${(o.message ?? '').replace(/\d+/g, 'N').slice(0, 60)}`;
}

async function shrink(worker: FuzzWorker, target: TargetName, bytes: Uint8Array, signature: string, budget: number): Promise<Uint8Array> {
  let best = bytes;
  let tries = 0;
  // Candidates that hang cost the whole time bound each, so shrinking also stops after a few seconds.
  const until = performance.now() + 8000;
  for (let parts = 2; parts <= 64 && tries < budget && best.length > 1 && performance.now() < until;) {
    let reduced = false;
    const step = Math.ceil(best.length / parts);
    for (let at = 0; at < best.length && tries < budget && performance.now() < until; at += step) {
      const candidate = new Uint8Array(best.length - Math.min(step, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + step), at);
      tries++;
      if (failureSignature(target, await worker.run(target, candidate)) === signature) {
        best = candidate;
        reduced = true;
        break;
      }
    }
    if (!reduced) parts *= 2;
  }
  return best;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const { target, worker } = opts;
  const log = opts.log ?? ((): void => undefined);
  const maxBytes = opts.maxInputBytes ?? 16 * 1024 * 1024;
  const rng = new FuzzRandom((opts.seed ^ createHash('sha256').update(target).digest().readUInt32LE(0)) >>> 0);
  const corpus = await loadCorpus(target);
  if (corpus.length === 0) throw new Error(`fuzz: no seed corpus for ${target}`);
  const pool: Uint8Array[] = [...corpus];
  const seenTags = new Set<string>();
  const result: CampaignResult = {
    target,
    seed: opts.seed,
    inputs: 0,
    outcomes: {},
    errorCodes: {},
    failures: [],
    slowOnce: 0,
    seconds: opts.seconds,
  };
  const bySignature = new Map<string, FailureRecord>();
  await worker.warmUp();
  const deadline = performance.now() + opts.seconds * 1000;
  let index = 0;
  let previous: { bytes: Uint8Array; how: string[] } = { bytes: new Uint8Array(0), how: [] };
  while (performance.now() < deadline) {
    let bytes: Uint8Array;
    let how: string[];
    if (index < corpus.length) {
      bytes = corpus[index];
      how = ['corpus'];
    } else if (rng.chance(target === 'manifest' || target === 'generator' ? 0.6 : 0.3)) {
      // Byte mutations mostly break JSON syntax, so manifests get more structure-aware cases.
      ({ bytes, how } = buildStructured(target, rng, rng.pick(corpus)));
      if (rng.chance(0.3)) {
        const m = mutate(rng, bytes, corpus, maxBytes);
        bytes = m.bytes;
        how = [...how, ...m.how];
      }
    } else {
      ({ bytes, how } = mutate(rng, rng.pick(pool), corpus, maxBytes));
    }
    index++;
    let outcome = await worker.run(target, bytes);
    if (outcome.fromPrevious) {
      // The error escaped from the input before this one: that input is the one to keep.
      const current = { bytes, how };
      ({ bytes, how } = previous);
      how = [...how, '(escaped late)'];
      previous = current;
    } else previous = { bytes, how };
    if (outcome.kind === 'timeout') {
      // Confirm on a fresh worker with a looser bound, so a busy machine (tests run in parallel) is not
      // reported as a hang; an input still unanswered after 2.5 times the bound is a failure.
      const again = await worker.run(target, bytes, CONFIRM_FACTOR * worker.timeoutMs);
      if (again.kind !== 'timeout') {
        result.slowOnce++;
        outcome = again;
      }
    }
    result.inputs++;
    result.outcomes[outcome.kind] = (result.outcomes[outcome.kind] ?? 0) + 1;
    if (outcome.code) result.errorCodes[outcome.code] = (result.errorCodes[outcome.code] ?? 0) + 1;
    const t = tag(outcome);
    if (!seenTags.has(t)) {
      seenTags.add(t);
      if (bytes.length < 1_000_000 && pool.length < 200) pool.push(bytes);
    }
    if (!FAILURE_KINDS.includes(outcome.kind)) continue;
    const signature = failureSignature(target, outcome);
    const known = bySignature.get(signature);
    if (known) {
      known.count++;
      continue;
    }
    const knownFile = opts.known?.get(signature);
    if (knownFile !== undefined) {
      const record: FailureRecord = {
        signature,
        kind: outcome.kind,
        message: outcome.message ?? '',
        stack: outcome.stack,
        how: how.join('+'),
        bytes: bytes.length,
        count: 1,
        file: `${knownFile} (already kept)`,
      };
      bySignature.set(signature, record);
      result.failures.push(record);
      continue;
    }
    const quick = outcome.kind === 'exception' || outcome.kind === 'invalid';
    const kept = quick ? await shrink(worker, target, bytes, signature, 60) : bytes;
    const record: FailureRecord = {
      signature,
      kind: outcome.kind,
      message: outcome.message ?? '',
      stack: outcome.stack,
      how: how.join('+'),
      bytes: kept.length,
      count: 1,
    };
    bySignature.set(signature, record);
    result.failures.push(record);
    log(`fuzz ${target}: ${outcome.kind} after ${result.inputs} inputs (${record.how}): ${record.message.split('\n')[0].slice(0, 160)}`);
    if (opts.saveDir) {
      const dir = join(opts.saveDir, target);
      await mkdir(dir, { recursive: true });
      // Big inputs (a million-column header) are repetitive: gzip keeps the fixture small in the repository.
      const big = kept.length > 64 * 1024;
      const name = `${outcome.kind}-${createHash('sha256').update(kept).digest('hex').slice(0, 12)}.${fixtureExtension(target)}${big ? '.gz' : ''}`;
      record.file = join(dir, name);
      await writeFile(record.file, big ? gzipSync(kept, { level: 9 }) : kept);
      await writeFile(
        `${record.file}.why.txt`,
        `seed ${opts.seed}, target ${target}, input ${result.inputs}, mutations ${record.how}\n${outcome.kind}: ${record.message}\n${outcome.stack ?? ''}\n`,
      );
    }
  }
  return result;
}
