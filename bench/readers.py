#!/usr/bin/python3
"""Reference side of bench/readers.ts: independent Python readers on the same files as MedSynth's.

  prepare <dir>          writes the bench inputs into <dir> from the committed fixtures and seeded numpy
                         data: DICOM copies (CT, JPEG-LS, JPEG 2000), a nibabel .nii.gz, a PIL 16-bit PNG,
                         an EDF (numpy writer below, written to the EDF spec) and a WFDB format-212 record
                         (test/reference/wfdb_reference.py's encoder); prints one JSON line describing them.
  run <dir> <reps>       times each reference reader (one warm-up, then <reps> runs; medians in ms), on
                         bytes already in memory and including the file read where the library allows it,
                         writes each case's last output as <dir>/<case>.ref.f32 (float32, our value order)
                         and prints one JSON line.

References: pydicom 2.3 (numpy handler; gdcm handler for JPEG-LS / JPEG 2000) + apply_modality_lut,
nibabel get_fdata(dtype=float32), PIL + numpy.asarray(float32), mne.io.read_raw_edf(preload=True), and a
numpy decode of WFDB format 212 (Debian ships no WFDB library).

Usage: /usr/bin/python3 bench/readers.py prepare <dir>
       /usr/bin/python3 bench/readers.py run <dir> <reps>
"""
import gzip
import io
import json
import os
import shutil
import statistics
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
sys.path.insert(0, os.path.join(ROOT, 'test', 'reference'))
CT = os.path.join(ROOT, 'test', 'fixtures', 'dicom', 'pydicom', 'CT_small.dcm')
JLS = os.path.join(ROOT, 'test', 'fixtures', 'dicom', 'codecs', 'MR_small_jpeg_ls_lossless.dcm')
J2K = os.path.join(ROOT, 'test', 'fixtures', 'dicom', 'codecs', 'MR_small_jp2klossless.dcm')

CT_COPIES = 200
CODEC_COPIES = 200
NIFTI_SHAPE = (256, 256, 128)
PNG_SIZE = 2048
EDF_CHANNELS, EDF_RATE, EDF_SECONDS = 12, 500, 3600
WFDB_RATE, WFDB_SECONDS, WFDB_GAIN, WFDB_ZERO = 360, 3600, 200, 1024


# ---------------------------------------------------------------- inputs
def copies(src, folder, n):
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        shutil.copyfile(src, os.path.join(folder, f'{i:04d}.dcm'))


def write_nifti(path, rng):
    import nibabel as nib
    x, y, z = np.meshgrid(*[np.linspace(-1, 1, s) for s in NIFTI_SHAPE], indexing='ij')
    phantom = 60000 * np.exp(-3 * (x * x + y * y + 0.5 * z * z)) - 5000 * (np.abs(x) > 0.8)
    phantom += rng.normal(0, 500, NIFTI_SHAPE)  # beyond int16's range: nibabel has to scale
    img = nib.Nifti1Image(phantom.astype(np.float32), np.diag([0.8, 0.8, 1.5, 1.0]))
    img.set_data_dtype(np.int16)  # nibabel picks scl_slope / scl_inter so the floats fit int16
    nib.save(img, path)
    proxy = nib.load(path).dataobj  # the loaded header's scl_* read NaN: nibabel moves them onto the proxy
    slope, inter = proxy.slope, proxy.inter
    return {'shape': list(NIFTI_SHAPE), 'dtype': 'int16', 'scl_slope': float(slope), 'scl_inter': float(inter), 'bytes': os.path.getsize(path)}


def write_png(path, rng):
    from PIL import Image
    yy, xx = np.mgrid[0:PNG_SIZE, 0:PNG_SIZE]
    v = 20000 + 15000 * np.sin(xx / 97.0) * np.cos(yy / 61.0) + rng.normal(0, 300, (PNG_SIZE, PNG_SIZE))
    Image.fromarray(np.clip(v, 0, 65535).astype(np.uint16)).save(path)
    with Image.open(path) as im:
        mode = im.mode
    return {'size': [PNG_SIZE, PNG_SIZE], 'mode': mode, 'bytes': os.path.getsize(path)}


def edf_field(text, width):
    b = str(text).encode('ascii')
    assert len(b) <= width, (text, width)
    return b + b' ' * (width - len(b))


def write_edf(path, rng):
    """Plain EDF (Kemp 1992): 1 s records, every channel EDF_RATE samples per record, 16-bit digital."""
    ns, spr, records = EDF_CHANNELS, EDF_RATE, EDF_SECONDS
    pmin, pmax, dmin, dmax = -5000, 5000, -32768, 32767
    t = np.arange(records * spr) / EDF_RATE
    phys = np.stack([1000 * np.sin(2 * np.pi * (1 + c) * t + c) + rng.normal(0, 50, t.size) for c in range(ns)])
    digital = np.clip(np.round((phys - pmin) / (pmax - pmin) * (dmax - dmin) + dmin), dmin, dmax).astype('<i2')
    h = bytearray()
    h += edf_field('0', 8) + edf_field('X X X X', 80) + edf_field('Startdate X X X X', 80)
    h += edf_field('01.01.85', 8) + edf_field('00.00.00', 8) + edf_field(256 * (ns + 1), 8) + edf_field('', 44)
    h += edf_field(records, 8) + edf_field(1, 8) + edf_field(ns, 4)
    for c in range(ns):
        h += edf_field(f'EEG {c + 1:02d}', 16)
    for width, value in [(80, ''), (8, 'uV'), (8, pmin), (8, pmax), (8, dmin), (8, dmax), (80, ''), (8, spr), (32, '')]:
        for _ in range(ns):
            h += edf_field(value, width)
    assert len(h) == 256 * (ns + 1)
    body = digital.reshape(ns, records, spr).transpose(1, 0, 2).tobytes()  # record-major, then channel
    with open(path, 'wb') as f:
        f.write(bytes(h) + body)
    return {'channels': ns, 'rate': EDF_RATE, 'seconds': EDF_SECONDS, 'bytes': os.path.getsize(path)}


def write_wfdb(folder, rng):
    from wfdb_reference import checksum, enc_stream, signal_line
    n = WFDB_RATE * WFDB_SECONDS
    t = np.arange(n) / WFDB_RATE
    sigs = [np.clip(np.round(WFDB_ZERO + 300 * np.sin(2 * np.pi * (1.2 + k) * t) + rng.normal(0, 20, n)), 0, 2047).astype(np.int64) for k in range(2)]
    with open(os.path.join(folder, 'rec.dat'), 'wb') as f:
        f.write(enc_stream(212, np.stack(sigs, axis=1).ravel()))
    lines = [f'rec 2 {WFDB_RATE} {n}']
    for k, s in enumerate(sigs):
        lines.append(signal_line('rec.dat', 212, WFDB_GAIN, 'mV', 12, WFDB_ZERO, int(s[0]), checksum(s), ['MLII', 'V5'][k]))
    with open(os.path.join(folder, 'rec.hea'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return {'signals': 2, 'format': 212, 'rate': WFDB_RATE, 'seconds': WFDB_SECONDS, 'bytes': os.path.getsize(os.path.join(folder, 'rec.dat'))}


def prepare(folder):
    rng = np.random.default_rng(20261128)
    copies(CT, os.path.join(folder, 'ct'), CT_COPIES)
    copies(JLS, os.path.join(folder, 'jls'), CODEC_COPIES)
    copies(J2K, os.path.join(folder, 'j2k'), CODEC_COPIES)
    info = {
        'dicom': {'ct': CT_COPIES, 'jls': CODEC_COPIES, 'j2k': CODEC_COPIES},
        'nifti': write_nifti(os.path.join(folder, 'vol.nii.gz'), rng),
        'png': write_png(os.path.join(folder, 'img16.png'), rng),
        'edf': write_edf(os.path.join(folder, 'rec.edf'), rng),
        'wfdb': write_wfdb(folder, rng),
    }
    print(json.dumps(info))


# ---------------------------------------------------------------- reference readers
def dicom_series(sources, handler):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    pydicom.config.pixel_data_handlers = [handler]
    frames = []
    for src in sources:
        ds = pydicom.dcmread(io.BytesIO(src) if isinstance(src, bytes) else src)
        frames.append(apply_modality_lut(ds.pixel_array, ds).astype(np.float32))
    return np.stack(frames)


def nifti_mem(data):
    import nibabel as nib
    return nib.Nifti1Image.from_bytes(gzip.decompress(data)).get_fdata(dtype=np.float32)


def nifti_file(path):
    import nibabel as nib
    return nib.load(path).get_fdata(dtype=np.float32)


def png_read(src):
    from PIL import Image
    with Image.open(io.BytesIO(src) if isinstance(src, bytes) else src) as im:
        return np.asarray(im, dtype=np.float32)


def edf_file(path):
    import mne
    return mne.io.read_raw_edf(path, preload=True, verbose='ERROR').get_data()


def wfdb212(data, gain=WFDB_GAIN, zero=WFDB_ZERO, nsig=2):
    b = np.frombuffer(data, np.uint8)
    b = b[: len(b) - len(b) % 3].reshape(-1, 3).astype(np.int16)
    out = np.empty((b.shape[0], 2), np.int16)
    out[:, 0] = b[:, 0] | ((b[:, 1] & 0x0F) << 8)
    out[:, 1] = b[:, 2] | ((b[:, 1] & 0xF0) << 4)
    out = ((out << 4) >> 4).reshape(-1, nsig)  # sign-extend 12 bits; frames x signals
    phys = (out.astype(np.float32) - zero) / np.float32(gain)
    phys[out == -2048] = np.nan
    return phys


def wfdb_file(path):
    with open(path, 'rb') as f:
        return wfdb212(f.read())


def timed(fn, arg, reps):
    fn(arg)  # warm-up
    times, out = [], None
    for _ in range(reps):
        start = time.perf_counter()
        out = fn(arg)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times, out


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def run(folder, reps):
    warnings.filterwarnings('ignore')
    import mne
    import nibabel
    import PIL
    import pydicom
    from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler
    mne.set_log_level('ERROR')
    result = {'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'pydicom': pydicom.__version__, 'gdcm': gdcm_handler.is_available(),
                           'nibabel': nibabel.__version__, 'PIL': PIL.__version__, 'mne': mne.__version__}, 'cases': {}}

    def case(name, mem_fn, mem_arg, file_fn, file_arg, to_ours):
        entry = {}
        out = None
        if mem_fn is not None:
            entry['memMs'], entry['memAll'], out = timed(mem_fn, mem_arg, reps)
        if file_fn is not None:
            entry['fileMs'], entry['fileAll'], out = timed(file_fn, file_arg, reps)
        ref = to_ours(out).astype('<f4', copy=False)
        ref.tofile(os.path.join(folder, f'{name}.ref.f32'))
        entry['count'] = int(ref.size)
        entry['sum'] = float(np.nansum(ref.astype(np.float64)))
        result['cases'][name] = entry

    for name, handler in [('ct', numpy_handler), ('jls', gdcm_handler), ('j2k', gdcm_handler)]:
        paths = [os.path.join(folder, name, f) for f in sorted(os.listdir(os.path.join(folder, name)))]
        blobs = [read_bytes(p) for p in paths]
        case(name, lambda s, h=handler: dicom_series(s, h), blobs, lambda s, h=handler: dicom_series(s, h), paths, lambda a: a.ravel())
    nii = os.path.join(folder, 'vol.nii.gz')
    case('nifti', nifti_mem, read_bytes(nii), nifti_file, nii, lambda a: a.ravel(order='F'))  # x fastest = file order
    result['cases']['nifti']['gunzipMs'] = timed(gzip.decompress, read_bytes(nii), reps)[0]  # inflating alone, for the interpretation
    png = os.path.join(folder, 'img16.png')
    case('png', png_read, read_bytes(png), png_read, png, lambda a: a.ravel())
    # mne 1.3 reads EDF from a path only; it returns volts, the file's unit is uV.
    case('edf', None, None, edf_file, os.path.join(folder, 'rec.edf'), lambda a: (a / 1e-6).ravel())
    dat = os.path.join(folder, 'rec.dat')
    case('wfdb', wfdb212, read_bytes(dat), wfdb_file, dat, lambda a: a.T.ravel())  # signal-major, like our channels
    print(json.dumps(result))


if __name__ == '__main__':
    if sys.argv[1] == 'prepare':
        prepare(sys.argv[2])
    elif sys.argv[1] == 'run':
        run(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
