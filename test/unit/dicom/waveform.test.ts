// readDicomWaveform against test/fixtures/dicom/waveform/expected.json (test/reference/
// dicom_waveform_reference.py: pydicom 2.3 multiplex_array(as_raw=True) scaled as PS3.3 C.10.9 says,
// stored * sensitivity * correction + baseline, and checked there against pydicom's own
// waveform_array() wherever the baseline is 0). Values are compared exactly through the sha256 of each
// channel's float32 values; names, units, rates, annotations and start time field by field. Hostile
// waveform files are built here and must end in the right MedSynthError before anything is allocated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { parseDicom } from '../../../src/core/data/dicom/parse';
import { hasWaveform, readDicomWaveform } from '../../../src/core/data/dicom/waveform';
import { MedSynthError } from '../../../src/core/errors';
import { readDatasetFile } from '../../../src/storage/datasets';
import { concatAll as concat } from '../../fuzz/bytes';
import { el, part10, text, ul, us } from '../../fuzz/targets/dicom';
import { DICOM_FIXTURES, fixture, sha256Float32 } from './dicomFixtures';

interface ExpectedChannel {
  readonly name: string;
  readonly units: string;
  readonly sha256: string;
  readonly first: (number | null)[];
  readonly nan: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

interface ExpectedGroup {
  readonly label: string;
  readonly channels: number;
  readonly samples: number;
  readonly frequency: number;
  readonly interpretation: string;
  readonly bitsAllocated: number;
  readonly pydicomWaveformArrayAgrees: boolean | null;
  readonly channel: ExpectedChannel[];
  readonly annotations: { onset: number; duration: number; label: string; channel: number | null }[];
}

interface ExpectedFile {
  readonly sopClassUid: string;
  readonly modality: string;
  readonly startTime: string;
  readonly annotationsSkipped: number;
  readonly groups: ExpectedGroup[];
}

const WAVEFORM_DIR = join(DICOM_FIXTURES, 'waveform');
const expected = JSON.parse(readFileSync(join(WAVEFORM_DIR, 'expected.json'), 'utf8')) as { files: Record<string, ExpectedFile> };

describe('readDicomWaveform against pydicom', () => {
  for (const [name, want] of Object.entries(expected.files)) {
    it(name, async () => {
      const bytes = fixture(`waveform/${name}`);
      assert.ok(hasWaveform(parseDicom(bytes)));
      const set = await readDicomWaveform(bytes, { fileName: name });
      assert.equal(set.modality, 'signal');
      assert.equal(set.records.length, want.groups.length);
      set.records.forEach((r, g) => {
        const wg = want.groups[g];
        assert.equal(r.channels.length, wg.channels);
        assert.equal(r.startTime, want.startTime);
        assert.deepEqual(r.sourceFiles, [name]);
        assert.equal(r.metadata.multiplexGroup, g + 1);
        assert.equal(r.metadata.multiplexGroupLabel, wg.label);
        assert.equal(r.metadata.waveformSampleInterpretation, wg.interpretation);
        assert.equal(r.metadata.waveformBitsAllocated, wg.bitsAllocated);
        assert.equal(r.metadata.sopClassUid, want.sopClassUid);
        assert.equal(r.metadata.modality, want.modality);
        assert.equal(r.metadata.annotationsSkipped ?? 0, want.annotationsSkipped);
        if (wg.pydicomWaveformArrayAgrees !== null)
          assert.equal(wg.pydicomWaveformArrayAgrees, true, 'pydicom waveform_array() differs from the standard rule');
        r.channels.forEach((c, j) => {
          const wc = wg.channel[j];
          assert.equal(c.name, wc.name);
          assert.equal(c.units, wc.units);
          assert.equal(c.sampleRate, wg.frequency);
          assert.equal(c.data.length, wg.samples);
          let sum = 0;
          let min = Infinity;
          let max = -Infinity;
          let nan = 0;
          for (const x of c.data) {
            if (Number.isNaN(x)) {
              nan++;
              continue;
            }
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
          }
          assert.equal(nan, wc.nan, `${c.name} NaN count`);
          assert.equal(min, wc.min);
          assert.equal(max, wc.max);
          assert.ok(Math.abs(sum - wc.sum) <= Math.abs(wc.sum) * 1e-9, `sum ${sum} vs ${wc.sum}`);
          wc.first.forEach((v, i) => assert.equal(c.data[i], v ?? Number.NaN, `${c.name}[${i}]`));
          assert.equal(sha256Float32(c.data), wc.sha256, c.name);
        });
        assert.deepEqual(
          r.annotations.map((a) => ({ onset: a.onset, duration: a.duration, label: a.label, channel: a.channel ?? null })),
          wg.annotations,
        );
      });
      // Nothing that identifies the patient or the study reaches the metadata.
      const dump = JSON.stringify(set.records.map((r) => [r.id, r.metadata]));
      for (const banned of ['Patient', 'Birth', 'Study', 'Institution', 'Physician', 'Accession'])
        assert.ok(!dump.includes(banned), banned);
    });
  }

  it('reads the 12 leads of the ECG by their Channel Source code meanings', async () => {
    const set = await readDicomWaveform(fixture('waveform/waveform_ecg.dcm'), { fileName: 'waveform_ecg.dcm' });
    assert.deepEqual(
      set.records[0].channels.map((c) => c.name),
      [
        'Lead I (Einthoven)',
        'Lead II',
        'Lead III',
        'Lead aVR',
        'Lead aVL',
        'Lead aVF',
        'Lead V1',
        'Lead V2',
        'Lead V3',
        'Lead V4',
        'Lead V5',
        'Lead V6',
      ],
    );
    assert.deepEqual(
      set.records.map((r) => r.id),
      ['waveform_ecg#1', 'waveform_ecg#2'],
    );
    // pydicom's dcmread: PatientName and PatientID are set in this file; they must not travel.
    const dump = JSON.stringify(set.records.map((r) => r.metadata));
    const meta = parseDicom(fixture('waveform/waveform_ecg.dcm')).dataSet;
    for (const tag of ['x00100010', 'x00100020', 'x00100030']) {
      const v = meta.string(tag)?.trim();
      if (v) assert.ok(!dump.includes(v), tag);
    }
  });

  it('hasWaveform is false for an image, and storage routes a waveform file to a SignalSet', async () => {
    assert.equal(hasWaveform(parseDicom(fixture('pydicom/CT_small.dcm'))), false);
    await assert.rejects(
      readDicomWaveform(fixture('pydicom/CT_small.dcm'), { fileName: 'CT_small.dcm' }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'UNSUPPORTED',
    );
    const d = await readDatasetFile(join(WAVEFORM_DIR, 'waveform_ecg.dcm'));
    assert.equal(d.kind, 'signal');
    assert.equal(d.format, 'dicom');
    if (d.kind === 'signal') assert.equal(d.set.records[0].channels.length, 12);
    const image = await readDatasetFile(join(DICOM_FIXTURES, 'pydicom', 'CT_small.dcm'));
    assert.equal(image.kind, 'image');
  });
});

// ---- hand-built waveform files ------------------------------------------------------------------

function item(...elements: Uint8Array[]): Uint8Array {
  const body = concat(elements);
  return concat([us(0xfffe, 0xe000), ul(body.length), body]);
}

function sq(group: number, element: number, items: Uint8Array[]): Uint8Array {
  return el(group, element, 'SQ', concat(items));
}

function codeItem(value: string, meaning: string): Uint8Array {
  return item(el(0x0008, 0x0100, 'SH', text(value)), el(0x0008, 0x0102, 'SH', text('99LOCAL')), el(0x0008, 0x0104, 'LO', text(meaning)));
}

interface GroupSpec {
  channels?: number;
  samples?: number;
  frequency?: string;
  bits?: number;
  interpretation?: string;
  definitions?: number;
  data?: Uint8Array;
  sensitivity?: string;
  baseline?: string;
  correction?: string;
  padding?: Uint8Array;
}

function group(spec: GroupSpec): Uint8Array {
  const channels = spec.channels ?? 2;
  const samples = spec.samples ?? 4;
  const bits = spec.bits ?? 16;
  const defs = Array.from({ length: spec.definitions ?? channels }, (_, j) =>
    item(
      sq(0x003a, 0x0208, [codeItem(`C${j}`, `Chan ${j + 1}`)]),
      el(0x003a, 0x0210, 'DS', text(spec.sensitivity ?? '2')),
      sq(0x003a, 0x0211, [codeItem('uV', 'microvolt')]),
      el(0x003a, 0x0212, 'DS', text(spec.correction ?? '1')),
      el(0x003a, 0x0213, 'DS', text(spec.baseline ?? '0')),
    ),
  );
  const data = spec.data ?? new Uint8Array(Math.max(0, channels * samples * Math.ceil(bits / 8)));
  return item(
    el(0x003a, 0x0005, 'US', us(channels)),
    el(0x003a, 0x0010, 'UL', ul(samples)),
    el(0x003a, 0x001a, 'DS', text(spec.frequency ?? '500')),
    sq(0x003a, 0x0200, defs),
    el(0x5400, 0x1004, 'US', us(bits)),
    el(0x5400, 0x1006, 'CS', text(spec.interpretation ?? 'SS')),
    ...(spec.padding ? [el(0x5400, 0x100a, 'OW', spec.padding)] : []),
    el(0x5400, 0x1010, bits === 8 ? 'OB' : 'OW', data.length % 2 === 1 ? concat([data, new Uint8Array(1)]) : data),
  );
}

function waveformFile(...groups: GroupSpec[]): Uint8Array {
  const body = concat([
    el(0x0008, 0x0016, 'UI', text('1.2.840.10008.5.1.4.1.1.9.1.3')),
    el(0x0008, 0x002a, 'DT', text('20240102030405.5+0100')),
    el(0x0008, 0x0060, 'CS', text('ECG')),
    el(0x0010, 0x0010, 'PN', text('Doe^Jane')),
    sq(0x5400, 0x0100, groups.map(group)),
  ]);
  return part10('1.2.840.10008.1.2.1', body);
}

function int16s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(out.buffer).setInt16(i * 2, v, true));
  return out;
}

async function rejects(
  bytes: Uint8Array,
  codes: readonly string[],
  opts: { limits?: { maxSamples?: number }; signal?: AbortSignal } = {},
): Promise<MedSynthError> {
  try {
    await readDicomWaveform(bytes, { fileName: 'hostile.dcm', ...opts });
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `not a MedSynthError: ${String(e)}`);
    assert.ok(codes.includes(e.code), `${e.code}: ${e.message}`);
    if (e.code !== 'CANCELLED') assert.ok(e.message.startsWith('hostile.dcm'), e.message);
    return e;
  }
  return assert.fail(`expected ${codes.join(' or ')}`);
}

describe('hand-built DICOM waveforms', () => {
  it('scales stored values as stored * sensitivity * correction + baseline, padding -> NaN', async () => {
    const data = int16s(1, -2, 3, -4, 5, -32768, 7, 8); // 2 channels x 4 samples, interleaved
    const set = await readDicomWaveform(
      waveformFile({ data, sensitivity: '0.5', correction: '4', baseline: '-10', padding: int16s(-32768) }),
      { fileName: 'w.dcm' },
    );
    const [r] = set.records;
    assert.equal(r.id, 'w');
    assert.equal(r.startTime, '2024-01-02T03:04:05.5+01:00');
    assert.deepEqual(
      [...r.channels[0].data],
      [1, 3, 5, 7].map((v) => v * 0.5 * 4 - 10),
    );
    assert.deepEqual(
      [...r.channels[1].data],
      [-2, -4, Number.NaN, 8].map((v) => v * 0.5 * 4 - 10),
    );
    assert.equal(r.metadata.paddedSamples, 1);
    assert.deepEqual(
      r.channels.map((c) => [c.name, c.units, c.sampleRate]),
      [
        ['Chan 1', 'uV', 500],
        ['Chan 2', 'uV', 500],
      ],
    );
    assert.ok(!JSON.stringify(r).includes('Doe'));
  });

  it('Waveform Data shorter (or longer) than channels x samples x bytes is BAD_INPUT naming the file', async () => {
    const e = await rejects(waveformFile({ channels: 2, samples: 10, data: new Uint8Array(38) }), ['BAD_INPUT']);
    assert.match(e.message, /Waveform Data \(5400,1010\) holds 38 bytes/);
    await rejects(waveformFile({ channels: 2, samples: 10, data: new Uint8Array(44) }), ['BAD_INPUT']);
    await rejects(waveformFile({ channels: 2, samples: 10, data: new Uint8Array(0) }), ['BAD_INPUT']);
  });

  it('0 channels, 0 samples, and a channel count unlike the Channel Definition Sequence are BAD_INPUT', async () => {
    await rejects(waveformFile({ channels: 0, definitions: 0 }), ['BAD_INPUT']);
    await rejects(waveformFile({ samples: 0 }), ['BAD_INPUT']);
    const e = await rejects(waveformFile({ channels: 3, definitions: 2 }), ['BAD_INPUT']);
    assert.match(e.message, /Channel Definition Sequence/);
  });

  it('channels x samples over maxSamples is LIMIT_EXCEEDED before anything is allocated', async () => {
    const e = await rejects(waveformFile({ channels: 4, samples: 100 }), ['LIMIT_EXCEEDED'], { limits: { maxSamples: 399 } });
    assert.match(e.message, /maxSamples/);
    // 1000 channels x 2^32-1 samples with 8 bytes of data: refused from the header alone (default cap).
    await rejects(waveformFile({ channels: 1000, samples: 0xffffffff, data: new Uint8Array(8) }), ['LIMIT_EXCEEDED']);
  });

  it('a Sampling Frequency of 0, negative, not a number or missing is BAD_INPUT', async () => {
    for (const frequency of ['0', '-250', 'nan', '1e999', ' ']) await rejects(waveformFile({ frequency }), ['BAD_INPUT']);
  });

  it('Bits Allocated 12, a mismatched interpretation, an unknown one are BAD_INPUT; mu-law/A-law UNSUPPORTED', async () => {
    await rejects(waveformFile({ bits: 12 }), ['BAD_INPUT', 'UNSUPPORTED']);
    await rejects(waveformFile({ bits: 8, interpretation: 'SS' }), ['BAD_INPUT']);
    await rejects(waveformFile({ interpretation: 'XX' }), ['BAD_INPUT']);
    await rejects(waveformFile({ bits: 8, interpretation: 'MB' }), ['UNSUPPORTED']);
    await rejects(waveformFile({ bits: 8, interpretation: 'AB' }), ['UNSUPPORTED']);
  });

  it('a scale that leaves float32 is BAD_INPUT, not Infinity', async () => {
    await rejects(waveformFile({ data: int16s(1, 1, 1, 1, 1, 1, 1, 32767), sensitivity: '1e35', correction: '1e5' }), ['BAD_INPUT']);
  });

  it('every truncation of the ECG is a typed error naming the file', async () => {
    const whole = fixture('waveform/waveform_ecg.dcm');
    for (let cut = 0; cut < whole.length; cut += 997) {
      await assert.rejects(readDicomWaveform(whole.subarray(0, cut), { fileName: `cut${cut}.dcm` }), (e: unknown) => {
        assert.ok(e instanceof MedSynthError, `cut ${cut}: ${String(e)}`);
        assert.ok(['BAD_INPUT', 'UNSUPPORTED'].includes(e.code), `cut ${cut}: ${e.code} ${e.message}`);
        assert.ok(e.message.startsWith(`cut${cut}.dcm`), e.message);
        return true;
      });
    }
  });

  it('cancellation is CANCELLED; the image reader still refuses a waveform with a typed error', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejects(fixture('waveform/waveform_ecg.dcm'), ['CANCELLED'], { signal: ac.signal });
    await assert.rejects(readDicomImage(fixture('waveform/waveform_ecg.dcm')), (e: unknown) => e instanceof MedSynthError);
  });
});
