// Streamed table files: writeFileAtomic takes chunks and still leaves nothing behind when the
// source fails or the run is cancelled part-way; writeTableFile streams the data layer's chunks; a
// preview read (headRows) gives the first rows of a large file and no hash of the part it read.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';
import { sha256File, writeFileAtomic } from '../../../src/storage/atomic';
import { readTableFile, writeTableFile } from '../../../src/storage/tables';

const code =
  (c: string) =>
  (e: unknown): boolean =>
    isMedSynthError(e) && e.code === c;

function table(rows: number): Table {
  return {
    rowCount: rows,
    columns: [
      { kind: 'numeric', name: 'n', values: Float64Array.from({ length: rows }, (_, i) => i), integer: true },
      { kind: 'text', name: 's', values: Array.from({ length: rows }, (_, i) => `row ${i}, "quoted"`) },
    ],
  };
}

describe('storage: streamed writes and preview reads', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'medsynth-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writeFileAtomic writes chunks in order', async () => {
    const path = join(dir, 'chunks.txt');
    async function* parts(): AsyncGenerator<Uint8Array> {
      for (const s of ['a', 'bc', '', 'déf']) yield new TextEncoder().encode(s);
    }
    await writeFileAtomic(path, parts());
    assert.equal(readFileSync(path, 'utf8'), 'abcdéf');
  });

  it('a source that fails part-way leaves neither the file nor a temporary file', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1024);
      throw new Error('disk vanished');
    }
    await assert.rejects(writeFileAtomic(join(sub, 'out.csv'), broken()), code('IO'));
    assert.deepEqual(readdirSync(sub), []);
  });

  it('a cancel part-way is CANCELLED and leaves nothing; an existing file is untouched', async () => {
    const sub = mkdtempSync(join(dir, 'cancel-'));
    const path = join(sub, 'out.csv');
    writeFileSync(path, 'before\n');
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      controller.abort();
      yield new Uint8Array(10);
    }
    await assert.rejects(writeFileAtomic(path, slow(), controller.signal), code('CANCELLED'));
    assert.deepEqual(readdirSync(sub), ['out.csv']);
    assert.equal(readFileSync(path, 'utf8'), 'before\n');
  });

  it('writeTableFile streams the same bytes serializeTable gives, for every format', async () => {
    const t = table(200_000);
    for (const ext of ['csv', 'tsv', 'jsonl', 'parquet'] as const) {
      const path = join(dir, `big.${ext}`);
      await writeTableFile(path, t);
      assert.deepEqual(readFileSync(path), Buffer.from(await serializeTable(t, ext)), ext);
    }
  });

  it('readTableFile with headRows reads the first rows of a large file, without claiming a hash', async () => {
    const path = join(dir, 'preview.csv');
    await writeTableFile(path, table(300_000));
    const head = await readTableFile(path, { headRows: 25, maxRows: 100 });
    assert.equal(head.rowCount, 25);
    assert.equal(head.provenance?.sha256, undefined);
    const whole = await readTableFile(path);
    assert.equal(whole.rowCount, 300_000);
    assert.equal(whole.provenance?.sha256, await sha256File(path));
    assert.ok(existsSync(path));
  });
});
