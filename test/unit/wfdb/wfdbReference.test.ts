// WFDB records written by test/reference/wfdb_reference.py (numpy, from the signal(5)/header(5)/annot(5)
// texts) from real ECGs: MIT-BIH record 208 (scipy) and pydicom's 12-lead waveform. The expected
// physical values (sha256 of float32, first samples, sums, NaN counts) are the script's, computed from
// the integers it wrote, never from our reader.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readWfdbRecord } from '../../../src/core/data/wfdb/record';
import { WFDB_FIXTURES, fixture, folderSiblings } from './wfdbHelpers';
import { sha256Float32 } from '../float32Hash';

interface ChannelExpect {
  name: string;
  units: string;
  sampleRate: number;
  length: number;
  nanCount: number;
  sha256: string;
  first: (number | null)[];
  sum: number;
  min: number | null;
  max: number | null;
}
interface Expected {
  records: Record<string, { startTime: string | null; channels: ChannelExpect[] }>;
  annotations: Record<string, { onset: number; label: string; channel: number }[]>;
}
const expected = JSON.parse(readFileSync(join(WFDB_FIXTURES, 'expected.json'), 'utf8')) as Expected;

describe('WFDB records against the numpy reference writer', () => {
  for (const [name, want] of Object.entries(expected.records)) {
    it(`${name}: every channel matches bit for bit`, async () => {
      const set = await readWfdbRecord(await fixture(`${name}.hea`), { fileName: `${name}.hea`, siblings: folderSiblings() });
      assert.equal(set.modality, 'signal');
      assert.equal(set.records.length, 1);
      const rec = set.records[0];
      assert.equal(rec.id, name);
      assert.equal(rec.startTime, want.startTime ?? undefined);
      assert.equal(rec.metadata.warnings, undefined, String(rec.metadata.warnings)); // every checksum in the fixtures is right
      assert.equal(rec.channels.length, want.channels.length);
      for (const [i, w] of want.channels.entries()) {
        const c = rec.channels[i];
        assert.equal(c.name, w.name);
        assert.equal(c.units, w.units);
        assert.equal(c.sampleRate, w.sampleRate);
        assert.equal(c.data.length, w.length);
        let nan = 0;
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        for (const v of c.data) {
          if (Number.isNaN(v)) nan++;
          else {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
        }
        assert.equal(nan, w.nanCount, `${c.name} NaN count`);
        assert.deepEqual(
          Array.from(c.data.subarray(0, 5), (v) => (Number.isNaN(v) ? null : v)),
          w.first,
        );
        assert.ok(Math.abs(sum - w.sum) <= 1e-9 * Math.max(1, Math.abs(w.sum)) + 1e-6, `${c.name} sum ${sum} vs ${w.sum}`);
        if (w.min !== null) assert.equal(min, w.min);
        if (w.max !== null) assert.equal(max, w.max);
        assert.equal(sha256Float32(c.data), w.sha256, `${c.name} sha256`);
      }
    });
  }

  it('ecg208: MIT-BIH header defaults (baseline = ADC zero, units mV), comment kept, annotations from ecg208.atr', async () => {
    const set = await readWfdbRecord(await fixture('ecg208.hea'), {
      fileName: 'ecg208.hea',
      siblings: folderSiblings(),
      annotators: ['atr'],
    });
    const rec = set.records[0];
    assert.equal(rec.channels[0].units, 'mV');
    assert.match(String(rec.metadata.comments), /MIT-BIH record 208/);
    assert.equal(rec.metadata.signalFormats, '212');
    assert.deepEqual(rec.sourceFiles, ['ecg208.hea', 'ecg208.dat', 'ecg208.atr']);
    const want = expected.annotations['ecg208.atr'];
    assert.equal(rec.annotations.length, want.length);
    for (const [i, w] of want.entries()) {
      const a = rec.annotations[i];
      assert.equal(a.label, w.label);
      assert.equal(a.channel, w.channel);
      assert.ok(Math.abs(a.onset - w.onset) < 1e-12, `${a.onset} vs ${w.onset}`);
      assert.equal(a.duration, 0);
    }
  });

  it('multi: a layout segment, a null segment and a reordered segment join into one record', async () => {
    const rec = (await readWfdbRecord(await fixture('multi.hea'), { fileName: 'multi.hea', siblings: folderSiblings() })).records[0];
    assert.equal(rec.metadata.segments, 4);
    assert.equal(rec.metadata.baseTime, '08:30:00');
    assert.deepEqual(rec.sourceFiles, ['multi.hea', 'multi_layout.hea', 'multi_1.hea', 'multi_1.dat', 'multi_3.hea', 'multi_3.dat']);
  });
});
