// One nearest-neighbour pass per (query set, reference set) pair and evaluation input, shared by the
// distance-based privacy metrics: privacy.dcr (synth → real, synth → holdout, holdout → real),
// privacy.nndr (synth → real, holdout → real), privacy.membershipInference (real → synth, holdout → synth),
// privacy.identifiability (real → synth, real → real) and privacy.authenticity (synth → real,
// real → real). runMetrics hands every metric the same TableMetricInput object, so the distance space
// and each pass are memoised on it (a WeakMap: they go when the input does). All five read the same
// space, built with the holdout when there is one (a holdout only adds one-hot positions and packs a
// column with empty cells as a pair; the distances are the same).
//
// The packed search is the in-thread kernel unless the engine installs another (a worker pool,
// src/engine/knnPool.ts) with setNeighbourSearch; core code never spawns threads itself.
import { MedSynthError } from '../errors';
import { nearestNeighbours } from './distanceKernel';
import type { NearestNeighbours } from './distanceKernel';
import { nearestRecords, nearestRecordsBothWays } from './distanceSearch';
import type { KernelSearch } from './distanceSearch';
import { buildDistanceSpaceYielding } from './distanceSpace';
import type { DistanceSpace, PackedRows } from './distanceSpace';
import type { TableMetricInput } from './types';

export type RowSet = 'real' | 'synth' | 'holdout';

/**
 * The passes the metrics read. When one is asked for and its reverse is among them too, both come from
 * one two-way pass (nearestRecordsBothWays); real → real is one triangular pass (each pair once).
 */
const WANTED = new Set(['synth->real', 'real->synth', 'synth->holdout', 'holdout->synth', 'holdout->real', 'real->real']);

interface Entry {
  space?: Promise<DistanceSpace>;
  readonly passes: Map<string, Promise<NearestNeighbours>>;
  /** The metrics that have read this entry: one asking again starts a new evaluation. */
  readonly consumers: Set<string>;
}

const entries = new WeakMap<TableMetricInput, Entry>();
let search: KernelSearch = nearestNeighbours;
let passCount = 0;

/** Replaces the packed search every shared pass uses (null: back to the in-thread kernel). */
export function setNeighbourSearch(next: KernelSearch | null): void {
  search = next ?? nearestNeighbours;
}

/** The packed search in use now. */
export function neighbourSearch(): KernelSearch {
  return search;
}

/** How many passes have been asked of the kernel since the process started (a two-way pass counts once). */
export function neighbourPassCount(): number {
  return passCount;
}

function entryOf(input: TableMetricInput): Entry {
  let entry = entries.get(input);
  if (!entry) {
    entry = { passes: new Map(), consumers: new Set() };
    entries.set(input, entry);
  }
  return entry;
}

/** A failed (e.g. cancelled) computation is not kept: the next metric asking tries again. */
function remember<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget);
  return promise;
}

/**
 * The distance space of `input` (real, synthetic and, when given, holdout rows), built once. A metric
 * calls this first, naming itself: the passes are shared between different metrics on one input, and
 * the same metric asking again (a second evaluation of the same input, a rerun after a cancel) starts
 * afresh, so every evaluation still computes, and can be cancelled, once.
 */
export function neighbourSpace(input: TableMetricInput, signal: AbortSignal | undefined, consumer: string): Promise<DistanceSpace> {
  let entry = entryOf(input);
  if (entry.consumers.has(consumer)) {
    entry = { passes: new Map(), consumers: new Set() };
    entries.set(input, entry);
  }
  entry.consumers.add(consumer);
  const kept = entry;
  kept.space ??= remember(
    buildDistanceSpaceYielding(input.real, input.synth, input.holdout, signal).then((space) => applySeeds(kept, space)),
    () => {
      kept.space = undefined;
      kept.passes.clear();
    },
  );
  return kept.space;
}

interface Seed {
  readonly matches: (space: DistanceSpace) => boolean;
  readonly passes: ReadonlyMap<string, NearestNeighbours>;
}

const seeds = new Set<Seed>();

/**
 * Installs passes computed elsewhere (the merged parts of a sharded evaluation, src/engine/evaluateShard.ts):
 * every distance space built while the seed is in place that `matches` accepts gets `passes` (keyed
 * 'synth->real', ...) instead of searching for them. The caller owns the exactness (it matches the
 * space by a hash of its packed rows). Returns the function that removes the seed.
 */
export function seedNeighbours(matches: (space: DistanceSpace) => boolean, passes: ReadonlyMap<string, NearestNeighbours>): () => void {
  const seed: Seed = { matches, passes };
  seeds.add(seed);
  return () => {
    seeds.delete(seed);
  };
}

function applySeeds(entry: Entry, space: DistanceSpace): DistanceSpace {
  for (const seed of seeds) {
    if (!seed.matches(space)) continue;
    for (const [key, pass] of seed.passes) if (!entry.passes.has(key)) entry.passes.set(key, Promise.resolve(pass));
  }
  return space;
}

/** The rows of one set in the space; undefined for a holdout the input does not have. */
export function rowsOf(space: DistanceSpace, set: RowSet): PackedRows | undefined {
  return set === 'real' ? space.real : set === 'synth' ? space.synth : space.holdout;
}

/**
 * Each `query` row's two nearest `reference` rows (nearestRecords: summed distances, indices, ties to the
 * lowest index), computed once per input. The arrays are shared between metrics: read them, never
 * write them. Throws BAD_USAGE when the input has no holdout and one is asked for.
 */
export async function sharedNeighbours(
  input: TableMetricInput,
  query: RowSet,
  reference: RowSet,
  signal?: AbortSignal,
): Promise<NearestNeighbours> {
  const entry = entryOf(input);
  if (!entry.space) throw new MedSynthError('BAD_USAGE', 'sharedNeighbours: call neighbourSpace first');
  const space = await entry.space;
  const key = `${query}->${reference}`;
  let pass = entry.passes.get(key);
  if (!pass) {
    const q = rowsOf(space, query);
    const r = rowsOf(space, reference);
    if (!q || !r) throw new MedSynthError('BAD_USAGE', `no ${q ? reference : query} rows for ${key}`);
    passCount++;
    const back = `${reference}->${query}`;
    if (query !== reference && WANTED.has(back) && !entry.passes.has(back)) {
      // One pass measures each pair once and keeps the best two on both sides.
      const both = nearestRecordsBothWays(space, q, r, signal, search);
      const forget = (): void => {
        entry.passes.delete(key);
        entry.passes.delete(back);
      };
      pass = remember(
        both.then((b) => b.forward),
        forget,
      );
      entry.passes.set(
        back,
        remember(
          both.then((b) => b.backward),
          forget,
        ),
      );
    } else pass = remember(nearestRecords(space, q, r, signal, search), () => entry.passes.delete(key));
    entry.passes.set(key, pass);
  }
  return pass;
}
