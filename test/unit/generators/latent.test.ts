// Seeded latent noise: a pure function of (seed, row, dim), so seeds reproduce and shards concatenate
// to the single run, here also end to end through the copula graph and the table decoder.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { fillLatent } from '../../../src/core/generators/latent';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { COPULA_FIXTURES, MIXED_KINDS, readCsvTable } from './copulaFixtures';

test('the same seed reproduces the block; another seed does not', () => {
  assert.deepEqual(fillLatent(9, 0, 100, 7, 'normal'), fillLatent(9, 0, 100, 7, 'normal'));
  const a = fillLatent(9, 0, 100, 7, 'normal');
  const b = fillLatent(10, 0, 100, 7, 'normal');
  assert.ok(a.some((v, i) => v !== b[i]));
});

test('shards of any size concatenate to the single run, for large row numbers too', () => {
  for (const [first, total] of [
    [0, 1000],
    [2 ** 40, 50],
  ] as const) {
    const full = fillLatent(123, first, total, 5, 'normal');
    const parts: Float32Array[] = [];
    for (let start = 0; start < total; start += 37) parts.push(fillLatent(123, first + start, Math.min(37, total - start), 5, 'normal'));
    const joined = new Float32Array(total * 5);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    assert.deepEqual(joined, full);
  }
});

test('normal latents have mean 0 and variance 1; uniform ones stay inside (0, 1) with mean 1/2', () => {
  const n = 200_000;
  const z = fillLatent(1, 0, n / 4, 4, 'normal');
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  // Standard errors: 1/sqrt(n) for the mean, sqrt(2/n) for the variance; 5 of them as tolerance.
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
  // Share beyond |z| > 1.96 is 5% for a standard normal.
  const tail = z.filter((v) => Math.abs(v) > 1.959964).length / n;
  assert.ok(Math.abs(tail - 0.05) < 5 * Math.sqrt((0.05 * 0.95) / n), `tail ${tail}`);
  const u = fillLatent(1, 0, n / 4, 4, 'uniform');
  assert.ok(u.every((v) => v > 0 && v < 1));
  assert.ok(Math.abs(u.reduce((s, v) => s + v, 0) / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  // Neighbouring dimensions are uncorrelated (no structure leaks between the hash counters).
  let cross = 0;
  for (let r = 0; r < n / 4; r++) cross += z[r * 4] * z[r * 4 + 1];
  assert.ok(Math.abs(cross / (n / 4)) < 5 / Math.sqrt(n / 4));
});

test('bad arguments are refused', () => {
  assert.throws(() => fillLatent(-1, 0, 1, 1, 'normal'), RangeError);
  assert.throws(() => fillLatent(1, 0.5, 1, 1, 'normal'), RangeError);
});

test('generating in shards through the copula graph gives exactly the single-run table', async () => {
  const { onnx, manifest } = buildCopulaGenerator(fitCopula(readCsvTable(join(COPULA_FIXTURES, 'mixed_source.csv'), MIXED_KINDS)));
  const dims = manifest.inputs.latent.shape[1];
  const session = await ort.InferenceSession.create(onnx);
  const post = manifest.postprocess as TablePostprocess;
  const generate = async (seed: number, first: number, rows: number): Promise<string> => {
    const out = await session.run({ z: new ort.Tensor('float32', fillLatent(seed, first, rows, dims, 'normal'), [rows, dims]) });
    const t = decodeTableSample(post, out.x.data as Float32Array, rows, first);
    return Array.from({ length: rows }, (_, r) => t.columns.map((c) => ('codes' in c ? c.codes[r] : c.values[r])).join(',')).join('\n');
  };
  const single = await generate(77, 0, 300);
  const shards = [await generate(77, 0, 100), await generate(77, 100, 100), await generate(77, 200, 100)].join('\n');
  assert.equal(shards, single);
  assert.notEqual(await generate(78, 0, 300), single);
});
