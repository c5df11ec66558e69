#!/usr/bin/python3
"""Writes the WFDB fixtures under test/fixtures/wfdb/ and their expected values (expected.json).

Independent of MedSynth's reader: the records are WRITTEN here from real signals, with numpy, following
the PhysioNet header(5), signal(5) and annot(5) texts, and the expected physical values are computed
from the integer arrays the script wrote, never read back by our code.

Sources (see test/fixtures/README.md, section WFDB):
- MIT-BIH Arrhythmia Database record 208, lead MLII, 360 Hz, as shipped by Debian python3-scipy in
  scipy/misc/ecg.dat (raw ADC values: adc zero 1024, gain 200 per mV, as scipy's electrocardiogram()).
- pydicom's waveform_ecg.dcm (python3-pydicom): a real 12-lead ECG, 1000 Hz, int16, 1.25 uV per unit.

Run: /usr/bin/python3 test/reference/wfdb_reference.py
"""
import hashlib
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'wfdb')
ECG_DAT = '/usr/lib/python3/dist-packages/scipy/misc/ecg.dat'
DCM = '/usr/lib/python3/dist-packages/pydicom/data/test_files/waveform_ecg.dcm'

EXPECTED = {'records': {}, 'annotations': {}}


# ---------------------------------------------------------------- sources
def ecg208():
    with np.load(ECG_DAT) as f:
        return f['ecg'].astype(np.int64)  # raw ADC units, zero 1024, 200 per mV


def ecg12():
    import pydicom  # only to locate the waveform bytes; the samples are decoded here with numpy
    ds = pydicom.dcmread(DCM)
    w = ds.WaveformSequence[0]
    n_ch = int(w.NumberOfWaveformChannels)
    raw = np.frombuffer(w.WaveformData, '<i2').reshape(-1, n_ch).astype(np.int64)
    # Cross-check our decoding of the bytes against pydicom's own (raw x sensitivity 1.25 uV).
    assert np.allclose(ds.waveform_array(0), raw * 1.25)
    names = [c.ChannelSourceSequence[0].CodeMeaning.replace('Lead ', '').replace(' (Einthoven)', '') for c in w.ChannelDefinitionSequence]
    return raw, names


# ---------------------------------------------------------------- encoders (signal(5))
def twos(v, bits):
    return np.asarray(v, dtype=np.int64) & ((1 << bits) - 1)


def enc_stream(fmt, s, init=0):
    """Encodes one group stream (frame-interleaved samples) of integer ADC values."""
    s = np.asarray(s, dtype=np.int64)
    if fmt == 16:
        return s.astype('<i2').tobytes()
    if fmt == 61:
        return s.astype('>i2').tobytes()
    if fmt == 80:
        return (s + 128).astype(np.uint8).tobytes()
    if fmt == 160:
        return (s + 32768).astype('<u2').tobytes()
    if fmt == 24:
        u = twos(s, 24)
        return np.stack([u & 0xff, (u >> 8) & 0xff, (u >> 16) & 0xff], axis=1).astype(np.uint8).tobytes()
    if fmt == 32:
        return s.astype('<i4').tobytes()
    if fmt == 212:
        u = twos(s, 12)
        odd = len(u) % 2
        p = np.concatenate([u, [0]]) if odd else u
        a, b = p[0::2], p[1::2]
        out = np.stack([a & 0xff, ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0), b & 0xff], axis=1).astype(np.uint8).ravel()
        return out[: len(out) - (1 if odd else 0)].tobytes()
    if fmt == 310:
        u = twos(s, 10)
        rem = len(u) % 3
        p = np.concatenate([u, np.zeros((3 - rem) % 3, dtype=np.int64)])
        a, b, c = p[0::3], p[1::3], p[2::3]
        w0 = (a << 1) | ((c & 0x1f) << 11)
        w1 = (b << 1) | (((c >> 5) & 0x1f) << 11)
        out = np.stack([w0 & 0xff, w0 >> 8, w1 & 0xff, w1 >> 8], axis=1).astype(np.uint8).ravel()
        return out[: len(out) - [0, 2, 0][rem]].tobytes()
    if fmt == 311:
        u = twos(s, 10)
        rem = len(u) % 3
        p = np.concatenate([u, np.zeros((3 - rem) % 3, dtype=np.int64)])
        w = p[0::3] | (p[1::3] << 10) | (p[2::3] << 20)
        out = np.stack([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, (w >> 24) & 0xff], axis=1).astype(np.uint8).ravel()
        return out[: len(out) - [0, 2, 1][rem]].tobytes()
    raise ValueError(fmt)


def enc_format8(signals, init):
    """Format 8 for a group: per-signal first differences, clipped to [-128, 127] with the error carried
    to the next difference (signal(5)). Returns the bytes and the values a reader reconstructs."""
    n = len(signals[0])
    prev = list(init)
    rec = [np.zeros(n, dtype=np.int64) for _ in signals]
    out = bytearray()
    for t in range(n):
        for j, s in enumerate(signals):
            d = int(np.clip(s[t] - prev[j], -128, 127))
            prev[j] += d
            rec[j][t] = prev[j]
            out.append(d & 0xff)
    return bytes(out), rec


def checksum(v):
    c = int(np.sum(np.asarray(v, dtype=np.int64))) % 65536
    return c - 65536 if c >= 32768 else c


SENTINEL = {16: -32768, 61: -32768, 160: -32768, 24: -(1 << 23), 32: -(1 << 31), 80: -128, 212: -2048, 310: -512, 311: -512}


def physical(adc, fmt, gain, baseline):
    adc = np.asarray(adc, dtype=np.int64)
    out = ((adc - baseline) / gain).astype(np.float32)
    if fmt in SENTINEL:
        out[adc == SENTINEL[fmt]] = np.nan
    return out


def summary(name, units, rate, values):
    v = np.asarray(values, dtype=np.float32)
    finite = v[np.isfinite(v)]
    return {
        'name': name, 'units': units, 'sampleRate': rate, 'length': int(len(v)),
        'nanCount': int(np.isnan(v).sum()),
        'sha256': hashlib.sha256(v.astype('<f4').tobytes()).hexdigest(),
        'first': [None if np.isnan(x) else float(x) for x in v[:5]],
        'sum': float(np.sum(finite.astype(np.float64))),
        'min': float(finite.min()) if len(finite) else None,
        'max': float(finite.max()) if len(finite) else None,
    }


def write(name, data):
    with open(os.path.join(ROOT, name), 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)


# ---------------------------------------------------------------- records
def signal_line(file, fmt, gain, units, adcres, zero, init, csum, desc, spf=1, skew=0, offset=0, baseline=None):
    f = str(fmt) + (f'x{spf}' if spf != 1 else '') + (f':{skew}' if skew else '') + (f'+{offset}' if offset else '')
    g = f'{gain:g}' + (f'({baseline})' if baseline is not None else '') + (f'/{units}' if units is not None else '')
    parts = [file, f, g, str(adcres), str(zero), str(init)] + ([str(csum)] if csum is not None else [])
    if desc is not None:
        parts += (['0'] if csum is not None else []) + [desc]
    return ' '.join(parts)


def per_format_records(raw208):
    """One single-signal record per format from about 1 s of record 208, scaled to fit. 361 samples (362
    for 311) leave a partial last packing unit in 212, 310 and 311; format 8 is scaled x4 so that QRS
    slopes exceed 127 per sample and the writer's clipping (signal(5)) is exercised."""
    plans = {16: (1, 200), 61: (1, 200), 160: (1, 200), 24: (1000, 200000), 32: (1_000_000, 200_000_000),
             80: (1 / 8, 25), 310: (1 / 2, 100), 311: (1 / 2, 100), 212: (1, 200), 8: (4, 800)}
    for fmt, (scale, gain) in plans.items():
        seg = raw208[3600:3962 if fmt == 311 else 3961] - 1024  # from second 10, centred at the ADC zero
        adc = np.round(seg * scale).astype(np.int64)
        base = 7 if fmt not in (8,) else 0
        adc = adc + base
        if fmt in SENTINEL:
            adc = np.maximum(adc, SENTINEL[fmt] + 1)
        rec = f'fmt{fmt}'
        if fmt in (16, 311):
            adc[[5, 200]] = SENTINEL[fmt]  # invalid samples -> NaN
        if fmt == 8:
            data, [vals] = enc_format8([adc], [int(adc[0])])
            init = int(adc[0])
        else:
            data, vals, init = enc_stream(fmt, adc), adc, int(adc[0])
        write(f'{rec}.dat', data)
        hea = f'{rec} 1 360 {len(adc)} 10:00:00 25/01/2013\n' + signal_line(f'{rec}.dat', fmt, gain, 'mV', 12, base, init, checksum(vals), 'MLII', baseline=base) + '\n'
        write(f'{rec}.hea', hea)
        EXPECTED['records'][rec] = {'startTime': '2013-01-25T10:00:00', 'channels': [summary('MLII', 'mV', 360, physical(vals, fmt, gain, base))]}


def record_212_with_annotations(raw208):
    """4 s of record 208 in format 212 exactly as MIT-BIH stores it (gain 200, ADC zero 1024, no
    explicit baseline or units, so the header(5) defaults apply), with a hand-built annotation file."""
    adc = raw208[:1440]
    write('ecg208.dat', enc_stream(212, adc))
    write('ecg208.hea', '# MIT-BIH record 208 excerpt (scipy electrocardiogram)\necg208 1 360 1440\n'
          + f'ecg208.dat 212 200 11 1024 {int(adc[0])} {checksum(adc)} 0 MLII\n')
    EXPECTED['records']['ecg208'] = {'startTime': None, 'channels': [summary('MLII', 'mV', 360, physical(adc, 212, 200, 1024))]}
    # annot(5): word = A << 10 | I; SKIP (59) then a 32-bit interval, high word first; CHN 62; NUM 60;
    # SUB 61; AUX 63 with I bytes, padded to even.
    anns = [(18, 28, 0, '(N'), (100, 1, 0, None), (400, 5, 0, None), (1400, 1, 1, None), (5000, 28, 1, '(AFIB'), (5003, 30, 1, None)]
    words = bytearray()
    t = 0
    chan = 0
    for sample, code, ch, aux in anns:
        d = sample - t
        if d > 1023:
            words += ((59 << 10) | 0).to_bytes(2, 'little') + ((d >> 16) & 0xffff).to_bytes(2, 'little') + (d & 0xffff).to_bytes(2, 'little')
            d = 0
        words += ((code << 10) | d).to_bytes(2, 'little')
        t = sample
        if ch != chan:
            words += ((62 << 10) | ch).to_bytes(2, 'little')
            chan = ch
        if code == 5:
            words += ((61 << 10) | 2).to_bytes(2, 'little') + ((60 << 10) | 1).to_bytes(2, 'little')
        if aux:
            b = aux.encode('ascii')
            words += ((63 << 10) | len(b)).to_bytes(2, 'little') + b + (b'\0' if len(b) % 2 else b'')
    words += b'\0\0'
    write('ecg208.atr', bytes(words))
    mnem = {1: 'N', 5: 'V', 28: '+', 30: '?'}
    EXPECTED['annotations']['ecg208.atr'] = [{'onset': s / 360, 'label': mnem[c] + (f' {a}' if a else ''), 'channel': ch} for s, c, ch, a in anns]


def records_12lead(raw12, names):
    """12 leads in one file (format 16, gain 0.8 per uV), and the same leads split over two files:
    I..aVF in format 212, V1..V6 in format 61 after a 16-byte prolog (byte offset)."""
    x = raw12[:2000]
    write('ecg12.dat', enc_stream(16, x.ravel()))
    lines = [signal_line('ecg12.dat', 16, 0.8, 'uV', 16, 0, int(x[0, j]), checksum(x[:, j]), names[j]) for j in range(12)]
    write('ecg12.hea', f'ecg12 12 1000 2000 10:59:19 25/01/2013\n' + '\n'.join(lines) + '\n#Source: pydicom waveform_ecg.dcm\n')
    EXPECTED['records']['ecg12'] = {'startTime': '2013-01-25T10:59:19', 'channels': [summary(names[j], 'uV', 1000, physical(x[:, j], 16, 0.8, 0)) for j in range(12)]}

    y = raw12[2000:3000]
    write('ecg12split_a.dat', enc_stream(212, y[:, :6].ravel()))
    write('ecg12split_b.dat', b'MEDSYNTH-PROLOG\n' + enc_stream(61, y[:, 6:].ravel()))
    lines = [signal_line('ecg12split_a.dat', 212, 0.8, 'uV', 12, 0, int(y[0, j]), checksum(y[:, j]), names[j]) for j in range(6)]
    lines += [signal_line('ecg12split_b.dat', 61, 0.8, 'uV', 16, 0, int(y[0, j]), checksum(y[:, j]), names[j], offset=16) for j in range(6, 12)]
    write('ecg12split.hea', 'ecg12split 12 1000\n' + '\n'.join(lines) + '\n')  # no sample count: read to the end
    EXPECTED['records']['ecg12split'] = {'startTime': None, 'channels': [summary(names[j], 'uV', 1000, physical(y[:, j], 212 if j < 6 else 61, 0.8, 0)) for j in range(12)]}


def record_spf_skew(raw208, raw12):
    """Frames: record 208 at 360 Hz stored 4 samples per frame beside a 90 Hz signal (frame rate 90 Hz);
    then skew: lead II delayed by 3 frames in the file relative to lead I (file has nsamp + 3 frames)."""
    hi = raw208[:720] - 1024
    lo = raw208[:720:4] - 1024
    stream = np.concatenate([hi.reshape(-1, 4), lo.reshape(-1, 1)], axis=1).ravel()
    write('spf.dat', enc_stream(16, stream))
    write('spf.hea', 'spf 2 90 180\n' + signal_line('spf.dat', 16, 200, 'mV', 12, 0, int(hi[0]), checksum(hi), 'MLII 360Hz', spf=4) + '\n'
          + signal_line('spf.dat', 16, 200, 'mV', 12, 0, int(lo[0]), checksum(lo), 'MLII 90Hz') + '\n')
    EXPECTED['records']['spf'] = {'startTime': None, 'channels': [summary('MLII 360Hz', 'mV', 360, physical(hi, 16, 200, 0)), summary('MLII 90Hz', 'mV', 90, physical(lo, 16, 200, 0))]}

    n, skew = 500, 3
    a = raw12[:n + skew, 0]
    b = raw12[:n, 1]
    filler = np.full(skew, 1234, dtype=np.int64)  # the frames before lead II starts (not part of the record)
    file_b = np.concatenate([filler, b])  # lead II's sample t sits in frame t + skew
    write('skew.dat', enc_stream(16, np.stack([a, file_b], axis=1).ravel()))
    write('skew.hea', f'skew 2 1000 {n}\n' + signal_line('skew.dat', 16, 0.8, 'uV', 16, 0, 0, None, None) + '\n'
          + signal_line('skew.dat', 16, 0.8, 'uV', 16, 0, 0, None, None, skew=skew) + '\n')
    EXPECTED['records']['skew'] = {'startTime': None, 'channels': [summary('signal 0', 'uV', 1000, physical(a[:n], 16, 0.8, 0)), summary('signal 1', 'uV', 1000, physical(b, 16, 0.8, 0))]}


def record_multisegment(raw12, names):
    """Variable layout: layout segment (I, II, III; format 0), segment 1 = I, II (format 16, 500
    samples), a null segment '~' of 200 samples, segment 3 = II, III, I reordered (format 212, gain 0.4 per uV)."""
    write('multi_layout.hea', 'multi_layout 3 1000 0\n' + '\n'.join(f'~ 0 0.8/uV 12 0 0 0 0 {names[j]}' for j in range(3)) + '\n')
    s1 = raw12[:500, :2]
    write('multi_1.dat', enc_stream(16, s1.ravel()))
    write('multi_1.hea', 'multi_1 2 1000 500\n' + '\n'.join(signal_line('multi_1.dat', 16, 0.8, 'uV', 16, 0, int(s1[0, j]), checksum(s1[:, j]), names[j]) for j in range(2)) + '\n')
    order = [1, 2, 0]
    s3 = raw12[1000:1300][:, order] // 2  # gain 1.6 per uV: 2.5 uV per unit
    write('multi_3.dat', enc_stream(212, s3.ravel()))
    write('multi_3.hea', 'multi_3 3 1000 300\n' + '\n'.join(signal_line('multi_3.dat', 212, 0.4, 'uV', 12, 0, int(s3[0, k]), checksum(s3[:, k]), names[order[k]]) for k in range(3)) + '\n')
    write('multi.hea', 'multi/4 3 1000 1000 08:30:00\nmulti_layout 0\nmulti_1 500\n~ 200\nmulti_3 300\n')
    chans = []
    for j in range(3):
        v = np.full(1000, np.nan, dtype=np.float32)
        if j < 2:
            v[:500] = physical(s1[:, j], 16, 0.8, 0)
        v[700:] = physical(s3[:, order.index(j)], 212, 0.4, 0)
        chans.append(summary(names[j], 'uV', 1000, v))
    EXPECTED['records']['multi'] = {'startTime': None, 'channels': chans}


def main():
    os.makedirs(ROOT, exist_ok=True)
    raw208 = ecg208()
    raw12, names = ecg12()
    per_format_records(raw208)
    record_212_with_annotations(raw208)
    records_12lead(raw12, names)
    record_spf_skew(raw208, raw12)
    record_multisegment(raw12, names)
    write('expected.json', json.dumps(EXPECTED, indent=1, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
