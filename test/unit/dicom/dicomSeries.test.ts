// readDicomSeries and the DICOMDIR readers against test/fixtures/dicom/expected.json (pydicom: slice
// order by position along the normal, FileSet record tree of pydicom's dicomdirtests variants).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DICOMDIR_SOP_CLASS } from '../../../src/core/data/dicom/dicomFile';
import { readDicomDir, readDicomDirImages } from '../../../src/core/data/dicom/dicomdir';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { parseDicom } from '../../../src/core/data/dicom/parse';
import { readDicomSeries } from '../../../src/core/data/dicom/series';
import type { DicomDirRecord } from '../../../src/core/data/dicom/dicomdir';
import { MedSynthError } from '../../../src/core/errors';
import { rejectsWith } from '../typedErrors';
import { DICOM_FIXTURES, fixture, sha256Float32 } from './dicomFixtures';

const ROOT = DICOM_FIXTURES;
const DIRTESTS = join(ROOT, 'pydicom', 'dicomdirtests');
const expected = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8'));

interface Tree {
  type: string;
  file?: string;
  children?: Tree[];
}

function simplify(records: readonly DicomDirRecord[]): Tree[] {
  return records.map((r) => ({
    type: r.type,
    ...(r.referencedFileId !== undefined ? { file: r.referencedFileId } : {}),
    ...(r.children.length > 0 ? { children: simplify(r.children) } : {}),
  }));
}

/** A sibling reader over the fixture folder, for tests only (storage does the real containment). */
function siblingsOf(dir: string): (rel: string) => Promise<Uint8Array> {
  return async (rel) => {
    if (rel.startsWith('/') || rel.split('/').includes('..')) throw new MedSynthError('PATH_ESCAPE', `${rel} leaves the folder`);
    return new Uint8Array(readFileSync(join(dir, rel)));
  };
}

/** s_b.dcm with its Image Position (Patient) moved from x = 1 to x = 6 (same value length). */
function movedSlice(): Uint8Array {
  const moved = Buffer.from(fixture('synthetic/s_b.dcm'));
  const at = moved.indexOf('1.0\\2.0\\3.0', 0, 'latin1');
  assert.ok(at > 0, 'the position value of s_b.dcm');
  moved.write('6.0', at, 'latin1');
  return new Uint8Array(moved);
}

describe('readDicomSeries', () => {
  it('orders a shuffled series by position along the slice normal, not by Instance Number', async () => {
    const want = expected.series.synthetic;
    const files = ['s_a.dcm', 's_b.dcm', 's_c.dcm'].map((name) => ({ name, bytes: fixture(`synthetic/${name}`) }));
    const set = await readDicomSeries(files);
    assert.equal(set.images.length, 1);
    const v = set.images[0];
    assert.deepEqual(v.sourceFiles, want.order);
    assert.deepEqual([v.frames, v.rows, v.columns, v.channels], want.shape);
    assert.equal(sha256Float32(v.data), want.sha256);
    assert.equal(v.spacing?.slice, want.sliceSpacing);
    assert.equal(v.units, 'HU');
  });

  it('reads a series with a missing slice and says where the gap is', async () => {
    // s_a, s_c, s_b lie at x = -4, -1.5 and 1 (2.5 mm apart, dcmdump); moving s_b to x = 6 (the same
    // number of characters in its Image Position (Patient) value) leaves a 7.5 mm gap: two slices missing.
    const files = [
      { name: 's_a.dcm', bytes: fixture('synthetic/s_a.dcm') },
      { name: 's_b.dcm', bytes: movedSlice() },
      { name: 's_c.dcm', bytes: fixture('synthetic/s_c.dcm') },
    ];
    const set = await readDicomSeries(files);
    assert.match(
      String(set.images[0].metadata.sliceGap),
      /^a gap of 7\.500 mm between s_(b|c)\.dcm and s_(b|c)\.dcm, where the slices are 2\.500 mm apart: about 2 slice\(s\) missing$/,
    );
    // The evenly spaced series has no gap.
    const even = await readDicomSeries(['s_a.dcm', 's_b.dcm', 's_c.dcm'].map((name) => ({ name, bytes: fixture(`synthetic/${name}`) })));
    assert.equal(even.images[0].metadata.sliceGap, undefined);
  });

  it('refuses files of different sizes in one series, naming both', async () => {
    const files = ['s_a.dcm', 's_mismatch.dcm'].map((name) => ({ name, bytes: fixture(`synthetic/${name}`) }));
    const e = await rejectsWith(readDicomSeries(files), 'BAD_INPUT');
    assert.match(e.message, /s_a\.dcm is 3 x 4 x 1 but s_mismatch\.dcm is 5 x 4 x 1/);
  });

  it('reads the dicomdirtests CT series in position order (pydicom)', async () => {
    const want = expected.series.dicomdir_ct2;
    const dir = join(DIRTESTS, '77654033', 'CT2');
    const files = readdirSync(dir)
      .sort()
      .reverse()
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
    const v = (await readDicomSeries(files)).images[0];
    assert.equal(sha256Float32(v.data), want.sha256);
    assert.deepEqual([v.frames, v.rows, v.columns, v.channels], want.shape);
  });

  it('skips files without pixel data, and refuses a set with none', async () => {
    const withPlan = [
      { name: 'plan.dcm', bytes: fixture('pydicom/ExplVR_LitEndNoMeta.dcm') },
      { name: 'mr.dcm', bytes: fixture('pydicom/MR_small.dcm') },
    ];
    assert.equal((await readDicomSeries(withPlan)).images.length, 1);
    await rejectsWith(readDicomSeries(withPlan.slice(0, 1)), 'BAD_INPUT');
  });
});

describe('readDicomDir', () => {
  // DICOMDIR-nooffset's last item still declares 248 bytes after 24 were cut out of it (dcmdump: item
  // '# 248' holding 224 bytes before the end of the file); pydicom and dcmdump tolerate the overrun, we
  // refuse it as BAD_INPUT naming the file.
  it('DICOMDIR-nooffset: an item that overruns the file is BAD_INPUT', () => {
    assert.throws(
      () => readDicomDir(new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR-nooffset'))), { fileName: 'DICOMDIR-nooffset' }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && e.message.startsWith('DICOMDIR-nooffset'),
    );
  });

  for (const variant of Object.keys(expected.dicomdir).filter((v) => v !== 'DICOMDIR-nooffset')) {
    it(`${variant}: the record tree pydicom's FileSet builds`, () => {
      const dir = readDicomDir(new Uint8Array(readFileSync(join(DIRTESTS, variant))), { fileName: variant });
      assert.deepEqual(simplify(dir.roots), expected.dicomdir[variant]);
      assert.equal(dir.fileSetId, 'PYDICOM_TEST');
    });
  }

  it('reads every referenced image through the sibling reader, grouped in series', async () => {
    const set = await readDicomDirImages(new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR'))), {
      fileName: 'DICOMDIR',
      siblings: siblingsOf(DIRTESTS),
    });
    assert.equal(set.images.length, expected.dicomdirImages.series);
    assert.equal(
      set.images.reduce((n, v) => n + v.frames, 0),
      expected.dicomdirImages.frames,
    );
    for (const v of set.images) assert.equal(v.data.length, v.frames * v.rows * v.columns * v.channels);
    // The CR images are MONOCHROME1 (dcmdump 77654033/CR1/6154).
    assert.equal(set.images[0].photometric, 'MONOCHROME1');
  });

  it("passes '..' names to the sibling reader verbatim and lets its PATH_ESCAPE through", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR')));
    // Rewrite the first Referenced File ID '77654033\CR1\6154' (18 bytes) as '..\x' padded to 18.
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('77654033\\CR1\\6154');
    assert.ok(at > 0);
    bytes.set(Buffer.from('..\\x'.padEnd(18, ' '), 'latin1'), at);
    const asked: string[] = [];
    const siblings = async (rel: string): Promise<Uint8Array> => {
      asked.push(rel);
      throw new MedSynthError('PATH_ESCAPE', `${rel} leaves the folder`);
    };
    await rejectsWith(readDicomDirImages(bytes, { siblings }), 'PATH_ESCAPE');
    assert.deepEqual(asked, ['../x']);
    assert.equal(readDicomDir(bytes).referencedFiles[0], '../x');
  });

  it('skips records whose Record In-use Flag is 0000H, with what hangs below them', () => {
    const bytes = new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR')));
    // dcmdump: the first record (PATIENT 77654033, item at byte 396) has (0004,1410) US 65535.
    const flag = Buffer.from(bytes).indexOf(Buffer.from([0x04, 0x00, 0x10, 0x14, 0x55, 0x53, 0x02, 0x00]), 396) + 8;
    new DataView(bytes.buffer).setUint16(flag, 0, true);
    const all = expected.dicomdir.DICOMDIR as Tree[];
    assert.deepEqual(simplify(readDicomDir(bytes).roots), all.slice(1));
  });

  it('needs a sibling reader for the images', async () => {
    await rejectsWith(readDicomDirImages(new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR')))), 'BAD_USAGE');
  });

  it('parseDicom says a DICOMDIR is one (File Meta Media Storage SOP Class), readDicomImage refuses it', async () => {
    const bytes = new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR')));
    // dcmdump: (0002,0002) UI =MediaStorageDirectoryStorage
    assert.equal(parseDicom(bytes).sopClassUid, DICOMDIR_SOP_CLASS);
    await rejectsWith(readDicomImage(bytes, { fileName: 'DICOMDIR' }), 'UNSUPPORTED');
  });

  it('refuses a file that is not a DICOMDIR', () => {
    assert.throws(
      () => readDicomDir(fixture('pydicom/MR_small.dcm'), { fileName: 'MR_small.dcm' }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /MR_small\.dcm/.test(e.message),
    );
  });

  it('the fixture folder holds what the tree references', () => {
    for (const rel of readDicomDir(new Uint8Array(readFileSync(join(DIRTESTS, 'DICOMDIR')))).referencedFiles)
      assert.ok(statSync(join(DIRTESTS, rel)).isFile(), rel);
  });
});
