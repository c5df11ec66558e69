// readEdf against mne 1.3 on the committed EDF/EDF+/BDF fixtures. The fixtures and the expected values
// (test/fixtures/edf/reference.json) come from test/reference/edf_reference.py, which writes real ECGs
// (MIT-BIH 208 via scipy, pydicom's 12-lead waveform) and reads them back with mne, channel by channel so
// mne does not resample: sha256 of the float32 physical values, first and sampled values, sums, ranges,
// sample rates and annotations.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isEdf, readEdf } from '../../../src/core/data/edf/edfReader';
import { sha256Float32 } from '../float32Hash';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'edf');

interface RefChannel {
  name: string;
  units: string;
  sampleRate: number;
  n: number;
  sha256: string;
  first: number[];
  sampled: [number, number][];
  sum: number;
  min: number;
  max: number;
}
interface RefFixture {
  file: string;
  bytes: number;
  sha256: string;
  channels: RefChannel[];
  headerStartTime?: string | null;
  firstRecordOffset: number;
  annotations: [number, number, string][];
}
const reference = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { reader: string; fixtures: RefFixture[] };

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs mne ${expected}`);
}

function bytesOf(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DIR, name)));
}

describe(`readEdf agrees with ${reference.reader}`, () => {
  it('has the fixtures the reference was computed on', () => {
    for (const ref of reference.fixtures) {
      const bytes = bytesOf(ref.file);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), ref.sha256, `${ref.file} changed since edf_reference.py ran`);
      assert.ok(isEdf(bytes), ref.file);
    }
  });

  for (const ref of reference.fixtures) {
    it(ref.file, async () => {
      const set = await readEdf(bytesOf(ref.file), { fileName: `fixtures/${ref.file}` });
      assert.equal(set.modality, 'signal');
      assert.equal(set.records.length, 1);
      const rec = set.records[0];
      assert.deepEqual(rec.sourceFiles, [`fixtures/${ref.file}`]);
      assert.deepEqual(
        rec.channels.map((c) => [c.name, c.units, c.data.length]),
        ref.channels.map((c) => [c.name, c.units, c.n]),
      );
      for (const [k, c] of ref.channels.entries()) {
        const got = rec.channels[k];
        close(got.sampleRate, c.sampleRate, 1e-9, `${c.name} sample rate`);
        const scale = Math.max(Math.abs(c.min), Math.abs(c.max), 1e-30);
        for (const [i, v] of c.first.entries()) close(got.data[i], v, 0, `${c.name}[${i}]`);
        for (const [i, v] of c.sampled) close(got.data[i], v, 0, `${c.name}[${i}]`);
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        for (const v of got.data) {
          sum += v;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        // Ours are float32, mne's float64: within float32 rounding of each value.
        close(sum, c.sum, 1e-7 * scale * c.n, `${c.name} sum`);
        close(min, c.min, 1e-7 * scale, `${c.name} min`);
        close(max, c.max, 1e-7 * scale, `${c.name} max`);
        assert.equal(sha256Float32(got.data), c.sha256, `${c.name}: float32 values differ from mne's`);
      }
      const key = (a: [number, number, string]): string => `${a[0].toFixed(6)} ${a[2]}`;
      const ours = rec.annotations
        .map((a): [number, number, string] => [a.onset, a.duration, a.label])
        .sort((x, y) => key(x).localeCompare(key(y)));
      const theirs = [...ref.annotations].sort((x, y) => key(x).localeCompare(key(y)));
      assert.equal(ours.length, theirs.length, JSON.stringify(ours));
      for (const [i, a] of theirs.entries()) {
        close(ours[i][0], a[0], 1e-9, `annotation ${i} onset`);
        close(ours[i][1], a[1], 1e-9, `annotation ${i} duration`);
        assert.equal(ours[i][2], a[2]);
      }
      if (ref.headerStartTime) {
        const expected = new Date(Date.parse(`${ref.headerStartTime}Z`) + ref.firstRecordOffset * 1000)
          .toISOString()
          .replace(/\.000Z$|Z$/, '');
        assert.equal(rec.startTime, expected);
      }
    });
  }
});

describe('readEdf metadata', () => {
  it('keeps no patient or recording identification, only that they were filled in', async () => {
    const bytes = bytesOf('two_rates.edf');
    const rec = (await readEdf(bytes, { fileName: 'two_rates.edf' })).records[0];
    const text = JSON.stringify(rec.metadata) + rec.id + (rec.startTime ?? '');
    for (const phi of ['MCH-0234567', 'Haagse', '1951']) assert.ok(!text.includes(phi), `${phi} leaked: ${text}`);
    assert.match(String(rec.metadata.patientIdentification), /present/);
    assert.equal(rec.id, 'two_rates');
    assert.equal(rec.metadata.format, 'EDF');
    assert.equal(rec.metadata['prefiltering.1'], 'HP:0.5Hz LP:100Hz');
  });

  it('names the variant and keeps the EDF+D clock as segments', async () => {
    const rec = (await readEdf(bytesOf('mit208_plus_d.edf'))).records[0];
    assert.equal(rec.metadata.format, 'EDF+D');
    assert.equal(rec.metadata.segments, 3);
    assert.equal(rec.metadata.segmentStarts, '0@0;3@5;6@20');
    assert.equal(rec.startTime, '1999-12-31T23:59:30');
    const plusC = (await readEdf(bytesOf('twelve_lead_plus_c.edf'))).records[0];
    assert.equal(plusC.metadata.format, 'EDF+C');
    assert.equal(plusC.metadata.firstRecordOffsetSeconds, 0.5);
    assert.equal(plusC.startTime, '2002-12-05T08:30:00.500');
    const bdf = (await readEdf(bytesOf('three_lead.bdf'))).records[0];
    assert.equal(bdf.metadata.format, 'BDF');
    assert.equal((await readEdf(bytesOf('one_lead_plus_c.bdf'))).records[0].metadata.format, 'BDF+C');
  });

  it('derives the record count when the header says -1 and drops a partial last record', async () => {
    const rec = (await readEdf(bytesOf('unknown_records.edf'))).records[0];
    assert.equal(rec.metadata.dataRecords, 3);
    assert.equal(rec.metadata.dataRecordsDeclared, -1);
    assert.equal(rec.metadata.droppedPartialRecordBytes, 200);
  });

  it('reads an annotation-only EDF+ as a record without channels', async () => {
    const rec = (await readEdf(bytesOf('annotations_only.edf'))).records[0];
    assert.equal(rec.channels.length, 0);
    assert.equal(rec.annotations.length, 3);
    assert.equal(rec.startTime, '2010-01-01T22:00:00');
  });
});
