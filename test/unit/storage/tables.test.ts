// The file-system edge for tables: streamed reading with provenance (SHA-256 and size checked
// against Python's hashlib in reference.json), atomic writes that leave nothing behind on failure
// or cancel, and path containment.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256File, writeFileAtomic } from '../../../src/storage/atomic';
import { resolveInside } from '../../../src/storage/paths';
import { readTableFile, writeTableFile } from '../../../src/storage/tables';
import { isMedSynthError } from '../../../src/core/errors';

const ROOT = join(__dirname, '..', '..', '..');
const reference = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'tables', 'reference.json'), 'utf8')) as {
  tables: { file: string; sha256: string; bytes: number; rows: number }[];
};

const code =
  (c: string) =>
  (e: unknown): boolean =>
    isMedSynthError(e) && e.code === c;

describe('storage: tables and atomic files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'medsynth-storage-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('readTableFile records the file, format, SHA-256 and size of the bytes it read', async () => {
    for (const ref of reference.tables) {
      const path = join(ROOT, ref.file);
      const t = await readTableFile(path);
      assert.equal(t.rowCount, ref.rows);
      assert.deepEqual(t.provenance, { file: path, format: 'csv', sha256: ref.sha256, bytes: ref.bytes });
      assert.equal(await sha256File(path), ref.sha256);
    }
  });

  it('readTableFile: a missing file or a folder is BAD_USAGE; bad content is BAD_INPUT naming the file', async () => {
    await assert.rejects(readTableFile(join(dir, 'nope.csv')), code('BAD_USAGE'));
    await assert.rejects(readTableFile(dir), code('BAD_USAGE'));
    const ragged = join(ROOT, 'test/fixtures/tables/bad/ragged.csv');
    await assert.rejects(
      readTableFile(ragged),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_INPUT' && e.message.startsWith(`${ragged}, line 3:`),
    );
  });

  it('readTableFile stops with CANCELLED when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(readTableFile(join(ROOT, reference.tables[0].file), { signal: ac.signal }), code('CANCELLED'));
  });

  it('writeTableFile picks the format by extension and round-trips through parquet', async () => {
    const src = join(ROOT, 'samples/workspace/patients.csv');
    const table = await readTableFile(src);
    const pq = join(dir, 'out', 'patients.parquet');
    await writeTableFile(pq, table);
    const direct = join(dir, 'out', 'direct.csv');
    await writeTableFile(direct, table);
    const back = join(dir, 'out', 'patients.csv');
    await writeTableFile(back, await readTableFile(pq));
    assert.equal(readFileSync(back, 'utf8'), readFileSync(direct, 'utf8'));
    // The source wrote BMI 35 as "35.0"; the writer prints integers without a decimal point.
    assert.equal(readFileSync(back, 'utf8'), readFileSync(src, 'utf8').replace(/(\d+)\.0(?=[,\n])/g, '$1'));
    await assert.rejects(writeTableFile(join(dir, 'x.xlsx'), table), code('BAD_USAGE'));
    assert.ok(!existsSync(join(dir, 'x.xlsx')));
  });

  it('writeFileAtomic replaces the file whole and leaves no temporary file', async () => {
    const path = join(dir, 'atomic', 'report.json');
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, new TextEncoder().encode('{"v":2}'));
    assert.equal(readFileSync(path, 'utf8'), '{"v":2}');
    assert.deepEqual(readdirSync(join(dir, 'atomic')), ['report.json']);
  });

  it('writeFileAtomic: a cancel leaves neither the file nor a temporary file', async () => {
    const folder = join(dir, 'cancel');
    mkdirSync(folder);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(writeFileAtomic(join(folder, 'a.csv'), 'x', ac.signal), code('CANCELLED'));
    assert.deepEqual(readdirSync(folder), []);
  });

  it('writeFileAtomic: a failed rename (onto a folder) removes the temporary file and keeps what was there', async () => {
    const folder = join(dir, 'fail');
    mkdirSync(join(folder, 'taken.csv'), { recursive: true });
    writeFileSync(join(folder, 'taken.csv', 'inside'), 'keep');
    await assert.rejects(writeFileAtomic(join(folder, 'taken.csv'), 'x'), code('BAD_USAGE'));
    assert.deepEqual(readdirSync(folder), ['taken.csv']);
    assert.equal(readFileSync(join(folder, 'taken.csv', 'inside'), 'utf8'), 'keep');
  });

  it('resolveInside allows paths inside and refuses .., absolute paths and symlinks out', () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(root, 'link-out'));
    symlinkSync(join(root, 'sub'), join(root, 'link-in'));
    assert.equal(resolveInside(root, 'sub/new/file.csv'), join(root, 'sub', 'new', 'file.csv'));
    assert.equal(resolveInside(root, 'link-in/x.csv'), join(root, 'link-in', 'x.csv'));
    for (const bad of [
      '../x',
      'sub/../../x',
      'sub/../x',
      '/etc/passwd',
      'C:\\x',
      '\\\\server\\share',
      'link-out/x.csv',
      'link-out',
      'a\0b',
    ]) {
      assert.throws(() => resolveInside(root, bad), code('PATH_ESCAPE'), bad);
    }
  });
});
