#!/usr/bin/python3
"""Writes the EDF/EDF+/BDF fixtures under test/fixtures/edf/ from real public ECGs, then reads each
back with Debian's mne 1.3 (an independent reader) and stores what mne sees in reference.json.

Sources (see test/fixtures/README.md, section EDF):
- scipy.misc.electrocardiogram(): MIT-BIH Arrhythmia Database record 208 (lead MLII), 360 Hz, mV.
- pydicom's waveform_ecg.dcm: a 12-lead ECG, 1000 Hz, uV (ds.waveform_array(0)).

The writer follows the EDF spec (Kemp 1992), EDF+ (Kemp & Olivan 2003) and BioSemi's BDF; it shares
no code with the TypeScript reader. Run: /usr/bin/python3 test/reference/edf_reference.py
"""
import hashlib
import json
import os
import warnings

import numpy as np

warnings.filterwarnings('ignore', category=DeprecationWarning)
import mne  # noqa: E402
import pydicom  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from scipy.misc import electrocardiogram  # noqa: E402

mne.set_log_level('ERROR')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'edf')
SCALE = {'uV': 1e-6, 'mV': 1e-3}  # what mne multiplies these units by (it returns volts)


def field(text, width):
    b = str(text).encode('ascii')
    assert len(b) <= width, (text, width)
    return b + b' ' * (width - len(b))


def num(x, width=8):
    s = repr(float(x)) if not float(x).is_integer() else str(int(x))
    return field(s[:width], width)


class Signal:
    def __init__(self, label, units, pmin, pmax, dmin, dmax, spr, digital=None, tals=None, prefilter='', transducer=''):
        self.label, self.units, self.spr = label, units, spr
        self.pmin, self.pmax, self.dmin, self.dmax = pmin, pmax, dmin, dmax
        self.digital = digital  # int array, records * spr
        self.tals = tals  # list per record of bytes (annotation signal)
        self.prefilter, self.transducer = prefilter, transducer


def to_digital(phys, pmin, pmax, dmin, dmax):
    d = np.round((phys - pmin) / (pmax - pmin) * (dmax - dmin) + dmin)
    return np.clip(d, dmin, dmax).astype(np.int64)


def write(name, signals, records, duration, *, bdf=False, reserved='', start=('01.01.85', '00.00.00'),
          patient='X X X X', recording='Startdate X X X X', declared_records=None, tail=b''):
    ns = len(signals)
    h = bytearray()
    h += (b'\xffBIOSEMI' if bdf else field('0', 8))
    h += field(patient, 80) + field(recording, 80) + field(start[0], 8) + field(start[1], 8)
    h += field(256 * (ns + 1), 8) + field(reserved, 44)
    h += field(records if declared_records is None else declared_records, 8) + num(duration) + field(ns, 4)
    for attr, width in [('label', 16), ('transducer', 80), ('units', 8)]:
        for s in signals:
            h += field(getattr(s, attr), width)
    for attr in ['pmin', 'pmax', 'dmin', 'dmax']:
        for s in signals:
            h += num(getattr(s, attr))
    for s in signals:
        h += field(s.prefilter, 80)
    for s in signals:
        h += field(s.spr, 8)
    for s in signals:
        h += field('', 32)
    assert len(h) == 256 * (ns + 1)
    bps = 3 if bdf else 2
    body = bytearray()
    for r in range(records):
        for s in signals:
            if s.tals is not None:
                raw = s.tals[r]
                assert len(raw) <= s.spr * bps, (name, r, len(raw))
                body += raw + b'\x00' * (s.spr * bps - len(raw))
            else:
                d = s.digital[r * s.spr:(r + 1) * s.spr]
                u = (d & ((1 << (8 * bps)) - 1)).astype('<u4')
                body += u.view(np.uint8).reshape(-1, 4)[:, :bps].tobytes()
    data = bytes(h) + bytes(body) + tail
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
    return data


def tal(onset, labels, duration=None):
    t = ('+' if onset >= 0 else '') + f'{onset:g}'
    if duration is not None:
        t += '\x15' + f'{duration:g}'
    return (t + '\x14' + ''.join(l + '\x14' for l in labels) + '\x00').encode('utf-8')


def mne_channel_values(path, bdf, name, units):
    read = mne.io.read_raw_bdf if bdf else mne.io.read_raw_edf
    raw = read(path, include=[name], preload=True, stim_channel=None)
    assert raw.ch_names == [name], raw.ch_names
    return raw.get_data()[0] / SCALE.get(units, 1.0), raw.info['sfreq'], raw


def describe(values):
    f32 = values.astype('<f4')
    step = max(1, len(f32) // 40)
    return {
        'n': int(len(f32)),
        'sha256': hashlib.sha256(f32.tobytes()).hexdigest(),
        'first': [float(v) for v in f32[:16]],
        'sampled': [[int(i), float(f32[i])] for i in range(0, len(f32), step)],
        'sum': float(np.sum(values)),
        'min': float(np.min(values)),
        'max': float(np.max(values)),
    }


def reserved_discontinuous(data):
    return data[192:197] in (b'EDF+D', b'BDF+D')


def reference(name, data, signals, bdf, first_record_offset=0.0, annotation_only=False):
    path = os.path.join(OUT, name)
    entry = {'file': name, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'channels': []}
    if annotation_only:
        ann = mne.read_annotations(path)
        entry['startTime'] = None
    else:
        raw = None
        for s in signals:
            if s.tals is not None:
                continue
            values, sfreq, raw = mne_channel_values(path, bdf, s.label, s.units)
            entry['channels'].append({'name': s.label, 'units': s.units, 'sampleRate': float(sfreq), **describe(values)})
        # raw.annotations drops those outside the concatenated samples (an EDF+D gap pushes them past
        # the end), so the reference is mne.read_annotations, checked equal to raw's where both exist.
        ann = mne.read_annotations(path) if not bdf and any(s.tals is not None for s in signals) else raw.annotations
        if not reserved_discontinuous(data):
            assert list(ann.description) == list(raw.annotations.description), name
            assert np.allclose(ann.onset, raw.annotations.onset), name
        md = raw.info['meas_date']
        entry['headerStartTime'] = md.strftime('%Y-%m-%dT%H:%M:%S') if md is not None else None
    entry['firstRecordOffset'] = first_record_offset
    entry['annotations'] = [[float(o), float(d), str(t)] for o, d, t in zip(ann.onset, ann.duration, ann.description)]
    return entry


def main():
    os.makedirs(OUT, exist_ok=True)
    mit = electrocardiogram()  # 360 Hz, mV
    ds = pydicom.dcmread(get_testdata_file('waveform_ecg.dcm'))
    twelve = ds.waveform_array(0)  # (10000, 12), uV at 1000 Hz
    leads = [c.ChannelSourceSequence[0].CodeMeaning.replace('Lead ', '').replace(' (Einthoven)', '') for c in ds.WaveformSequence[0].ChannelDefinitionSequence]
    refs = []

    # 1. Plain EDF, two channels at different rates (360 Hz mV, 500 Hz uV), 10 one-second records.
    a = to_digital(mit[:3600], -5, 5, -32768, 32767)
    b = to_digital(twelve[:10000:2, 1], -3276.8, 3276.7, -32768, 32767)
    sigs = [Signal('ECG MLII', 'mV', -5, 5, -32768, 32767, 360, a, prefilter='HP:0.5Hz LP:100Hz', transducer='AgAgCl electrode'),
            Signal('ECG II', 'uV', -3276.8, 3276.7, -32768, 32767, 500, b)]
    data = write('two_rates.edf', sigs, 10, 1, start=('17.03.01', '13.45.07'), patient='MCH-0234567 F 02-MAY-1951 Haagse_Harry')
    refs.append(reference('two_rates.edf', data, sigs, False))

    # 2. EDF+C: the 12 leads at 250 Hz (every 4th sample), 4 one-second records starting 0.5 s after the
    # header's second, an annotation channel with durations and a UTF-8 label.
    sigs = [Signal(lead, 'uV', -4000, 4000, -2000, 2000, 250, to_digital(twelve[:4000:4, k], -4000, 4000, -2000, 2000)) for k, lead in enumerate(leads)]
    events = {0: [tal(0.5, ['']), tal(0.5, ['Recording starts'])], 1: [tal(1.5, ['']), tal(1.9, ['Beat', 'Noise'], 0.25)],
              2: [tal(2.5, ['']), tal(3.0, ['Ableitung \u00e4 \u00b5V'], 1.5)], 3: [tal(3.5, [''])]}
    tals = [b''.join(events[r]) for r in range(4)]
    sigs.append(Signal('EDF Annotations', '', -1, 1, -32768, 32767, 40, tals=tals))
    data = write('twelve_lead_plus_c.edf', sigs, 4, 1, reserved='EDF+C', start=('05.12.02', '08.30.00'),
                 patient='X M 01-JAN-1970 X', recording='Startdate 05-DEC-2002 X X X')
    refs.append(reference('twelve_lead_plus_c.edf', data, sigs, False, 0.5))

    # 3. EDF+D: MIT-BIH ECG in 0.5 s records with two gaps on the recording clock.
    onsets = [0, 0.5, 1.0, 5.0, 5.5, 6.0, 20.0, 20.5]
    d = to_digital(mit[:180 * len(onsets)], -8, 8, -32768, 32767)
    tals = [tal(o, ['']) for o in onsets]
    tals[3] += tal(5.2, ['Gap ends'])
    tals[6] += tal(20.1, ['Artifact'], 0.3)
    sigs = [Signal('ECG', 'mV', -8, 8, -32768, 32767, 180, d), Signal('EDF Annotations', '', -1, 1, -32768, 32767, 30, tals=tals)]
    data = write('mit208_plus_d.edf', sigs, len(onsets), 0.5, reserved='EDF+D', start=('31.12.99', '23.59.30'),
                 recording='Startdate 31-DEC-1999 X X X')
    refs.append(reference('mit208_plus_d.edf', data, sigs, False))

    # 4. BDF: 3 leads at 1000 Hz, 24-bit, 2 one-second records.
    sigs = [Signal(leads[k], 'uV', -8388.608, 8388.607, -8388608, 8388607, 1000, to_digital(twelve[:2000, k], -8388.608, 8388.607, -8388608, 8388607)) for k in range(3)]
    data = write('three_lead.bdf', sigs, 2, 1, bdf=True, reserved='24BIT', start=('28.02.24', '06.00.00'))
    refs.append(reference('three_lead.bdf', data, sigs, True))

    # 4b. BDF+C: one lead with a 'BDF Annotations' signal (3 bytes per annotation sample).
    tals = [tal(0, ['']) + tal(0.25, ['P wave'], 0.1), tal(1, ['']) + tal(1.5, ['T wave \u2013 flat'])]
    sigs = [Signal(leads[6], 'uV', -8388.608, 8388.607, -8388608, 8388607, 1000, to_digital(twelve[2000:4000, 6], -8388.608, 8388.607, -8388608, 8388607)),
            Signal('BDF Annotations', '', -1, 1, -8388608, 8388607, 20, tals=tals)]
    data = write('one_lead_plus_c.bdf', sigs, 2, 1, bdf=True, reserved='BDF+C', start=('29.02.24', '06.00.00'), recording='Startdate 29-FEB-2024 X X X')
    refs.append(reference('one_lead_plus_c.bdf', data, sigs, True))

    # 5. Annotation-only EDF+C: record duration 0, one annotation signal.
    tals = [tal(0, ['']) + tal(12.5, ['Lights off']), tal(0, ['']) + tal(30, ['Sleep stage W'], 30) + tal(60, ['Sleep stage N1'], 30)]
    sigs = [Signal('EDF Annotations', '', -1, 1, -32768, 32767, 60, tals=tals)]
    data = write('annotations_only.edf', sigs, 2, 0, reserved='EDF+C', recording='Startdate 01-JAN-2010 X X X', start=('01.01.10', '22.00.00'))
    refs.append(reference('annotations_only.edf', data, sigs, False, annotation_only=True))

    # 6. Records -1 (unknown) and a partial last record: mne infers 3 records from the file size.
    d = to_digital(mit[3600:3600 + 3 * 360], -5, 5, -2048, 2047)
    sigs = [Signal('MLII', 'mV', -5, 5, -2048, 2047, 360, np.concatenate([d, d[:360]]))]
    data = write('unknown_records.edf', sigs, 3, 1, declared_records=-1, tail=b'\x01\x02' * 100)
    refs.append(reference('unknown_records.edf', data, sigs, False))

    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump({'reader': f'mne {mne.__version__}', 'fixtures': refs}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
