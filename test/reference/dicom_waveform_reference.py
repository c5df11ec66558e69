#!/usr/bin/python3
"""Expected values for the DICOM waveform reader tests, from pydicom 2.3 (Debian python3-pydicom) and numpy.

Run with Debian's interpreter: /usr/bin/python3 test/reference/dicom_waveform_reference.py
It (1) writes a small synthetic waveform file with pydicom's writer, test/fixtures/dicom/waveform/
synthetic_sb_ul.dcm (8-bit signed samples with an odd byte count, a non-zero Channel Baseline and
Correction Factor, a Waveform Padding Value; 32-bit unsigned samples without Channel Sensitivity), and
(2) writes test/fixtures/dicom/waveform/expected.json: per file, per multiplex group (pydicom's
multiplex_array(ds, i, as_raw=True)), the group's shape and frequency, and per channel the name, units
and the float32 physical values' sha256/first samples/sum/min/max.

Physical values follow PS3.3 C.10.9 (Table C.10-10: Channel Baseline is in the units of the Channel
Sensitivity Units Sequence): stored * ChannelSensitivity * ChannelSensitivityCorrectionFactor +
ChannelBaseline in float64, then float32; samples equal to Waveform Padding Value are NaN. pydicom 2.3's
Dataset.waveform_array(i) (as_raw=False) adds the baseline before scaling (pydicom issue #1667, fixed in
2.4); the script checks that it gives the same float32 values wherever every baseline is 0 and records
that check as `pydicomWaveformArrayAgrees`. Nothing here imports or runs MedSynth code.
"""
import hashlib
import json
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
from pydicom.waveforms.numpy_handler import multiplex_array

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'dicom', 'waveform')


def code(value, scheme, meaning):
    c = Dataset()
    c.CodeValue = value
    c.CodingSchemeDesignator = scheme
    c.CodeMeaning = meaning
    return c


def write_synthetic(path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.9.1.3'  # General ECG Waveform Storage
    meta.MediaStorageSOPInstanceUID = '1.2.3.4.5.6.7.8'
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'ECG'
    ds.ContentDate = '20200229'
    ds.ContentTime = '235958.25'
    rng = np.random.default_rng(11)

    # Group 1: 3 channels x 5 samples of SB (15 bytes: written with one pad byte), padding value -128.
    g1 = Dataset()
    g1.MultiplexGroupLabel = 'SB GROUP'
    g1.NumberOfWaveformChannels = 3
    g1.NumberOfWaveformSamples = 5
    g1.SamplingFrequency = '250'
    g1.WaveformBitsAllocated = 8
    g1.WaveformSampleInterpretation = 'SB'
    sb = rng.integers(-127, 128, size=(5, 3)).astype(np.int8)
    sb[2, 1] = -128
    sb[4, 0] = -128
    g1.WaveformPaddingValue = np.array([-128], dtype=np.int8).tobytes()
    g1.WaveformData = sb.tobytes()
    defs = []
    for j, (sens, corr, base) in enumerate([('0.5', '2', '5'), ('1.25', '0.8', '-3.5'), ('2', '1', '0')]):
        ch = Dataset()
        ch.ChannelSourceSequence = [code(f'X{j}', '99LOCAL', f'Source {j + 1}')]
        ch.ChannelSensitivity = sens
        ch.ChannelSensitivityUnitsSequence = [code('mV', 'UCUM', 'millivolt')]
        ch.ChannelSensitivityCorrectionFactor = corr
        ch.ChannelBaseline = base
        ch.ChannelSampleSkew = '0'
        ch.WaveformBitsStored = 8
        defs.append(ch)
    g1.ChannelDefinitionSequence = defs

    # Group 2: 2 channels x 4 samples of UL, no Channel Sensitivity (stored values, no units).
    g2 = Dataset()
    g2.MultiplexGroupLabel = 'UL GROUP'
    g2.NumberOfWaveformChannels = 2
    g2.NumberOfWaveformSamples = 4
    g2.SamplingFrequency = '0.5'
    g2.WaveformBitsAllocated = 32
    g2.WaveformSampleInterpretation = 'UL'
    ul = np.array([[0, 1], [4294967295, 123456789], [7, 8], [2147483648, 65536]], dtype='<u4')
    g2.WaveformData = ul.tobytes()
    defs2 = []
    for j in range(2):
        ch = Dataset()
        ch.ChannelLabel = f'label {j + 1}'
        defs2.append(ch)
    g2.ChannelDefinitionSequence = defs2
    ds.WaveformSequence = [g1, g2]

    ann = []
    for rtype, positions, chans, text in [
        ('POINT', [3], [1, 0], 'beat'),
        ('SEGMENT', [2, 4], [1, 2], 'run'),
        ('MULTIPOINT', [1, 4], [2, 1], 'marks'),
        ('POINT', [99], [1, 0], 'outside'),
    ]:
        a = Dataset()
        a.UnformattedTextValue = text
        a.ReferencedWaveformChannels = chans
        a.TemporalRangeType = rtype
        a.ReferencedSamplePositions = positions
        ann.append(a)
    m = Dataset()
    m.ConceptNameCodeSequence = [code('1', '99LOCAL', 'Heart rate')]
    m.NumericValue = '60'
    m.ReferencedWaveformChannels = [1, 0]
    ann.append(m)
    ds.WaveformAnnotationSequence = ann
    ds.save_as(path, write_like_original=False)


def f32_stats(values):
    v = np.asarray(values, dtype='<f4')
    finite = v[~np.isnan(v)]
    return {
        'sha256': hashlib.sha256(v.tobytes()).hexdigest(),
        'first': [None if np.isnan(x) else float(x) for x in v[:8]],
        'nan': int(np.isnan(v).sum()),
        'sum': float(finite.astype(np.float64).sum()),
        'min': float(finite.min()),
        'max': float(finite.max()),
    }


def expected_for(path):
    ds = pydicom.dcmread(path)
    groups = []
    for i, item in enumerate(ds.WaveformSequence):
        raw = multiplex_array(ds, i, as_raw=True)
        pad = None
        if 'WaveformPaddingValue' in item:
            pad = np.frombuffer(item.WaveformPaddingValue[: raw.dtype.itemsize], dtype=raw.dtype)[0]
        phys = raw.astype(np.float64)
        baselines = []
        for jj, ch in enumerate(item.ChannelDefinitionSequence):
            sens = float(ch.get('ChannelSensitivity', 1.0))
            corr = float(ch.get('ChannelSensitivityCorrectionFactor', 1.0))
            base = float(ch.get('ChannelBaseline', 0.0))
            baselines.append(base)
            phys[:, jj] = raw[:, jj].astype(np.float64) * sens * corr + base
        if pad is not None:
            phys[raw == pad] = np.nan
        phys32 = phys.astype('<f4')
        agrees = None
        if all(b == 0 for b in baselines) and pad is None:
            agrees = bool(np.array_equal(ds.waveform_array(i).astype('<f4'), phys32))
        channels = []
        for jj, ch in enumerate(item.ChannelDefinitionSequence):
            src = ch.get('ChannelSourceSequence')
            name = src[0].CodeMeaning if src else ch.get('ChannelLabel', f'channel {jj + 1}')
            units_seq = ch.get('ChannelSensitivityUnitsSequence')
            channels.append({'name': str(name), 'units': str(units_seq[0].CodeValue) if units_seq else '', **f32_stats(phys32[:, jj])})
        groups.append({
            'label': str(item.get('MultiplexGroupLabel', '')),
            'channels': int(item.NumberOfWaveformChannels),
            'samples': int(item.NumberOfWaveformSamples),
            'frequency': float(item.SamplingFrequency),
            'interpretation': str(item.WaveformSampleInterpretation),
            'bitsAllocated': int(item.WaveformBitsAllocated),
            'pydicomWaveformArrayAgrees': agrees,
            'channel': channels,
        })
    # Annotations with Referenced Sample Positions, placed as PS3.3 C.10.9.1.3 says: Referenced Waveform
    # Channels pairs (multiplex group, channel), both 1-based, channel 0 = all; positions 1-based.
    annotations = [[] for _ in groups]
    skipped = 0
    for a in ds.get('WaveformAnnotationSequence', []):
        if 'ReferencedSamplePositions' not in a:
            skipped += 1
            continue
        pos = a.ReferencedSamplePositions
        pos = list(pos) if isinstance(pos, (list, pydicom.multival.MultiValue)) else [pos]
        rtype = a.get('TemporalRangeType', 'POINT')
        label = a.get('UnformattedTextValue') or a.ConceptNameCodeSequence[0].CodeMeaning
        spans = [(p, p) for p in pos] if rtype in ('POINT', 'MULTIPOINT') else [(pos[k], pos[k + 1]) for k in range(0, len(pos), 2)]
        refs = list(a.ReferencedWaveformChannels)
        by_group = {}
        for k in range(0, len(refs), 2):
            by_group.setdefault(refs[k] - 1, set()).add(refs[k + 1])
        for g, chans in by_group.items():
            fs = groups[g]['frequency']
            if any(s < 1 or e > groups[g]['samples'] for s, e in spans):
                skipped += 1
                continue
            for c in ([None] if 0 in chans else sorted(chans)):
                for s, e in spans:
                    annotations[g].append({'onset': (s - 1) / fs, 'duration': (e - s) / fs, 'label': str(label), 'channel': None if c is None else c - 1})
    for g, lst in enumerate(annotations):
        lst.sort(key=lambda x: x['onset'])
        groups[g]['annotations'] = lst
    start = None
    if 'AcquisitionDateTime' in ds:
        dt = str(ds.AcquisitionDateTime)
        start = f'{dt[0:4]}-{dt[4:6]}-{dt[6:8]}T{dt[8:10]}:{dt[10:12]}:{dt[12:14]}'
    else:
        d, t = str(ds.ContentDate), str(ds.ContentTime)
        start = f'{d[0:4]}-{d[4:6]}-{d[6:8]}T{t[0:2]}:{t[2:4]}:{t[4:]}'
    return {
        'sopClassUid': str(ds.SOPClassUID),
        'modality': str(ds.get('Modality', '')),
        'startTime': start,
        'annotationsSkipped': skipped,
        'groups': groups,
    }


def main():
    os.makedirs(ROOT, exist_ok=True)
    write_synthetic(os.path.join(ROOT, 'synthetic_sb_ul.dcm'))
    out = {
        'pydicom': pydicom.__version__,
        'numpy': np.__version__,
        'files': {name: expected_for(os.path.join(ROOT, name)) for name in ['waveform_ecg.dcm', 'synthetic_sb_ul.dcm']},
    }
    with open(os.path.join(ROOT, 'expected.json'), 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
