// The streamed writer that generate uses (writeSampleStream fed by a SampleQueue) against the writer of
// a whole sample (writeSampleTable, itself checked against decoding in one piece in jobs.test.ts): the
// same bytes for every format, however the sample is cut into blocks, and a sampling failure ends the
// write with that error and no output file.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { SampleQueue, writeSampleStream } from '../../../src/engine/sampleOutput';
import { writeSampleTable } from './wholeSampleWriter';

/** Every column kind the decoder knows, with missing flags, rounding and a one-hot categorical. */
const POST: TablePostprocess = {
  features: 9,
  columns: [
    { name: 'id', kind: 'identifier', prefix: 'SYN-', digits: 6 },
    { name: 'age', kind: 'numeric', index: 0, transform: { type: 'standard', mean: 50, std: 12 }, integer: true },
    { name: 'bmi', kind: 'numeric', index: 1, transform: { type: 'minmax', min: 15, max: 45, from: [-3, 3] }, round: 2, missingIndex: 2 },
    { name: 'raw', kind: 'numeric', index: 3 },
    {
      name: 'admitted',
      kind: 'datetime',
      index: 4,
      transform: { type: 'minmax', min: 1.6e12, max: 1.7e12, from: [-3, 3] },
      precision: 'date',
    },
    { name: 'ward', kind: 'categorical', categories: ['A', 'B, east', 'C "new"'], encoding: 'onehot', index: 5 },
    { name: 'smoker', kind: 'boolean', categories: ['false', 'true'], encoding: 'index', index: 8 },
    { name: 'note', kind: 'text' },
  ],
};

function sample(rows: number): Float32Array {
  const out = new Float32Array(rows * POST.features);
  let s = 99;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 4294967296) * 6 - 3;
  }
  for (let r = 0; r < rows; r++) out[r * POST.features + 3] *= 10 ** ((r % 9) - 4);
  return out;
}

function cut(data: Float32Array, rows: number, sizes: readonly number[]): { data: Float32Array; rows: number }[] {
  const blocks: { data: Float32Array; rows: number }[] = [];
  for (let a = 0, k = 0; a < rows; k++) {
    const b = Math.min(rows, a + sizes[k % sizes.length]);
    blocks.push({ data: data.slice(a * POST.features, b * POST.features), rows: b - a });
    a = b;
  }
  return blocks;
}

describe('streamed sample output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medsynth-stream-'));
  const rows = 1500;
  const data = sample(rows);

  for (const ext of ['csv', 'tsv', 'jsonl', 'parquet']) {
    it(`${ext}: the same bytes as the whole-sample writer for any block sizes`, async () => {
      const whole = join(dir, `whole.${ext}`);
      await writeSampleTable(whole, POST, data, rows, POST.features, 4000);
      for (const [label, sizes, chunkRows] of [
        ['one block', [rows], 65_536],
        ['rows of 1 and 7', [1, 7], 100],
        ['uneven', [333, 4096, 17], 256],
      ] as const) {
        const queue = new SampleQueue();
        const streamed = join(dir, `streamed-${label.replace(/ /g, '')}.${ext}`);
        const writing = writeSampleStream(streamed, POST, queue, 4000, undefined, chunkRows);
        // Blocks arrive over time, as batches from the inference process do.
        for (const block of cut(data, rows, sizes)) {
          queue.push(block);
          await new Promise((resolve) => setImmediate(resolve));
        }
        queue.end();
        await writing;
        assert.deepEqual(readFileSync(streamed), readFileSync(whole), `${ext}, ${label}`);
      }
    });
  }

  it('an empty sample writes the header only, as the whole-sample writer does', async () => {
    for (const ext of ['csv', 'jsonl', 'parquet']) {
      const whole = join(dir, `empty-whole.${ext}`);
      const streamed = join(dir, `empty-streamed.${ext}`);
      await writeSampleTable(whole, POST, new Float32Array(0), 0, POST.features, 0);
      const queue = new SampleQueue();
      queue.end();
      await writeSampleStream(streamed, POST, queue, 0);
      assert.deepEqual(readFileSync(streamed), readFileSync(whole), ext);
    }
    assert.equal(readFileSync(join(dir, 'empty-streamed.csv'), 'utf8'), 'id,age,bmi,raw,admitted,ward,smoker,note\n');
  });

  it('a sampling failure ends the write with that error and leaves no file', async () => {
    const out = join(dir, 'failed', 'out.csv');
    const queue = new SampleQueue();
    const writing = writeSampleStream(out, POST, queue, 0, undefined, 64);
    for (const block of cut(data, 300, [100])) queue.push(block);
    await new Promise((resolve) => setImmediate(resolve));
    queue.fail(new MedSynthError('INFERENCE_CRASHED', 'the inference process died'));
    await assert.rejects(writing, (e: unknown) => e instanceof MedSynthError && e.code === 'INFERENCE_CRASHED');
    assert.equal(existsSync(out), false);
    assert.deepEqual(existsSync(join(dir, 'failed')) ? readdirSync(join(dir, 'failed')) : [], []);
  });

  it('a block of the wrong width is MODEL_MISMATCH, not a corrupt file', async () => {
    const out = join(dir, 'narrow.csv');
    const queue = new SampleQueue();
    queue.push({ data: new Float32Array(10 * (POST.features - 1)), rows: 10 });
    queue.end();
    await assert.rejects(writeSampleStream(out, POST, queue, 0), (e: unknown) => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH');
    assert.equal(existsSync(out), false);
  });
});
