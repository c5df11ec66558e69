#!/usr/bin/python3
"""Reference values for the NIfTI and PNG/JPEG readers (test/unit/images).

Run with Debian's Python (nibabel 5.0, PIL 9.4, numpy):
    /usr/bin/python3 test/reference/images_reference.py
It copies small public files from Debian packages into test/fixtures/images/, writes a few more
with nibabel / PIL / ImageMagick from numpy arrays, and writes test/fixtures/images/expected.json:
for each file the shape the reader must produce, sums, min/max, sampled values and the sha256 of the
float32 values in MedSynth's order ((frame * rows + row) * columns + column) * channels + channel.

NIfTI values come from nibabel (get_fdata() after scl_slope/scl_inter; RGB from the structured
dataobj), PNG and JPEG values from PIL. NIfTI order: x is fastest, so row = y, column = x, frame =
z + nz * (t + nt * ...), which is numpy's Fortran-order ravel of nibabel's (x, y, z, t, ...) array.
"""
import gzip
import hashlib
import json
import os
import shutil
import sys

import nibabel as nib
import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'images')
NIB = '/usr/lib/python3/dist-packages/nibabel/tests/data'
SKI = '/usr/lib/python3/dist-packages/skimage/data'


def summary(values, frames, rows, columns, channels):
    """values: float32 1-D array in MedSynth order."""
    v = np.ascontiguousarray(values, dtype='<f4').ravel()
    assert v.size == frames * rows * columns * channels
    finite = v[np.isfinite(v)]
    n = v.size
    picks = sorted({0, n - 1, n // 2, n // 3, (2 * n) // 3, n // 7, (5 * n) // 7})
    return {
        'frames': frames, 'rows': rows, 'columns': columns, 'channels': channels,
        'length': int(n),
        'sum': float(np.sum(v.astype(np.float64))),
        'min': float(finite.min()) if finite.size else None,
        'max': float(finite.max()) if finite.size else None,
        'samples': [[int(i), float(v[i])] for i in picks],
        'sha256': hashlib.sha256(v.tobytes()).hexdigest(),
    }


def nifti_values(img):
    """MedSynth-ordered float32 values and channel count from a nibabel image."""
    dt = img.get_data_dtype()
    if dt.names:  # RGB24 / RGBA32: structured fields, alpha dropped
        raw = np.asanyarray(img.dataobj)
        chans = [raw[c].ravel(order='F').astype(np.float32) for c in ('R', 'G', 'B')]
        return np.stack(chans, axis=1).ravel(), 3, raw.shape
    data = img.get_fdata()  # float64 after scaling
    return data.ravel(order='F').astype(np.float32), 1, data.shape


def nifti_entry(name, img, kind='nifti'):
    values, channels, shape = nifti_values(img)
    shape = tuple(int(s) for s in shape) + (1,) * max(0, 3 - len(shape))
    nx, ny = shape[0], shape[1]
    frames = int(np.prod(shape[2:]))
    hdr = img.header
    zooms = hdr.get_zooms()
    spatial, _ = hdr.get_xyzt_units()
    factor = {'meter': 1000.0, 'mm': 1.0, 'micron': 0.001}.get(spatial, 1.0)
    # nibabel moves scl_slope/scl_inter from the loaded header into the data proxy.
    slope, inter = float(img.dataobj.slope), float(img.dataobj.inter)
    e = summary(values, frames, ny, nx, channels)
    e.update({
        'file': name, 'kind': kind,
        'format': 'NIfTI-2' if isinstance(hdr, nib.Nifti2Header) else 'NIfTI-1',
        'datatype': int(hdr['datatype']),
        'dims': list(shape),
        'spacing': {'row': float(abs(zooms[1])) * factor if len(zooms) > 1 else None,
                    'column': float(abs(zooms[0])) * factor,
                    'slice': float(abs(zooms[2])) * factor if len(zooms) > 2 else None},
        'qformCode': int(hdr['qform_code']), 'sformCode': int(hdr['sform_code']),
        'sclSlope': slope,
        'sclInter': inter,
    })
    return e


def copy(src, name):
    shutil.copyfile(src, os.path.join(OUT, name))
    return os.path.join(OUT, name)


def nifti_fixtures():
    entries = []
    for name in ('anatomical.nii', 'functional.nii', 'example_nifti2.nii.gz', 'standard.nii.gz'):
        path = copy(os.path.join(NIB, name), name)
        entries.append(nifti_entry(name, nib.load(path)))

    rng = np.random.default_rng(20261128)
    aff = np.diag([1.5, 2.5, 3.0, 1.0])

    # Big-endian int16 with an exact slope/intercept (values * 0.5 - 10 are exact in float32).
    a = rng.integers(-2000, 2000, size=(6, 5, 4), dtype=np.int16)
    hdr = nib.Nifti1Header(endianness='>')
    img = nib.Nifti1Image(a, aff, hdr)
    img.header.set_data_dtype('>i2')
    img.header.set_slope_inter(0.5, -10.0)
    img.header.set_xyzt_units('mm', 'sec')
    write_nifti(img, 'be_int16_scaled.nii')
    entries.append(nifti_entry('be_int16_scaled.nii', nib.load(os.path.join(OUT, 'be_int16_scaled.nii'))))

    # float64 gzipped, micrometre units (spacing must come out in mm).
    f = rng.normal(size=(7, 3, 2)) * 1e3
    img = nib.Nifti1Image(f, np.diag([250.0, 500.0, 750.0, 1.0]))
    img.header.set_data_dtype(np.float64)
    img.header.set_xyzt_units('micron', 'sec')
    write_nifti(img, 'float64_micron.nii.gz')
    entries.append(nifti_entry('float64_micron.nii.gz', nib.load(os.path.join(OUT, 'float64_micron.nii.gz'))))

    # RGB24 and RGBA32 (alpha dropped).
    for code, fields, name in ((128, 'RGB', 'rgb24.nii'), (2304, 'RGBA', 'rgba32.nii')):
        dt = np.dtype([(c, 'u1') for c in fields])
        arr = np.zeros((4, 3, 2), dtype=dt)
        for c in fields:
            arr[c] = rng.integers(0, 256, size=(4, 3, 2), dtype=np.uint8)
        img = nib.Nifti1Image(arr, aff)
        assert int(img.header['datatype']) == code, img.header['datatype']
        write_nifti(img, name)
        entries.append(nifti_entry(name, nib.load(os.path.join(OUT, name))))

    # 5-D uint16, and int64 / uint32 / int8 / uint64 with values that need float rounding.
    img = nib.Nifti1Image(rng.integers(0, 60000, size=(3, 4, 2, 2, 3), dtype=np.uint16), aff)
    write_nifti(img, 'uint16_5d.nii')
    entries.append(nifti_entry('uint16_5d.nii', nib.load(os.path.join(OUT, 'uint16_5d.nii'))))
    for dtype, lo, hi, name in ((np.int64, -(2 ** 40), 2 ** 40, 'int64.nii'), (np.uint32, 0, 2 ** 32 - 1, 'uint32.nii'),
                                (np.int8, -128, 127, 'int8.nii'), (np.uint64, 0, 2 ** 63, 'uint64.nii')):
        arr = rng.integers(lo, hi, size=(5, 3, 2), dtype=dtype)
        img = nib.Nifti1Image(arr, aff, dtype=dtype)
        write_nifti(img, name)
        entries.append(nifti_entry(name, nib.load(os.path.join(OUT, name))))

    # NIfTI-1 and NIfTI-2 .hdr/.img pairs.
    arr = rng.normal(size=(4, 3, 3)).astype(np.float32)
    nib.save(nib.Nifti1Pair(arr, aff), os.path.join(OUT, 'pair1.hdr'))
    entries.append(nifti_entry('pair1.hdr', nib.load(os.path.join(OUT, 'pair1.hdr'))))
    arr2 = rng.integers(0, 1000, size=(3, 2, 2, 2), dtype=np.int32)
    nib.save(nib.Nifti2Pair(arr2, aff), os.path.join(OUT, 'pair2.hdr'))
    entries.append(nifti_entry('pair2.hdr', nib.load(os.path.join(OUT, 'pair2.hdr'))))
    # A NIfTI-2 single file with big-endian float32.
    img = nib.Nifti2Image(rng.normal(size=(5, 4, 3)).astype('>f4'), aff, nib.Nifti2Header(endianness='>'))
    img.header.set_data_dtype('>f4')
    write_nifti(img, 'nifti2_be_float32.nii')
    entries.append(nifti_entry('nifti2_be_float32.nii', nib.load(os.path.join(OUT, 'nifti2_be_float32.nii'))))
    return entries


def write_nifti(img, name):
    path = os.path.join(OUT, name)
    if name.endswith('.gz'):
        # nibabel's gzip carries a timestamp; write our own with mtime 0 so reruns are byte-identical.
        raw = name[:-3]
        nib.save(img, os.path.join(OUT, raw))
        with open(os.path.join(OUT, raw), 'rb') as src:
            data = src.read()
        os.remove(os.path.join(OUT, raw))
        with open(path, 'wb') as dst:
            dst.write(gzip.compress(data, mtime=0))
    else:
        nib.save(img, path)


def png_entry(name, kind='png', note=None):
    im = Image.open(os.path.join(OUT, name))
    info = {'mode': im.mode, 'interlace': int(im.info.get('interlace', 0) or 0)}
    im.load()
    if im.mode == 'P':
        rgb = np.asarray(im.convert('RGB'))
        if np.all(rgb[..., 0] == rgb[..., 1]) and np.all(rgb[..., 1] == rgb[..., 2]):
            arr = rgb[..., :1]
        else:
            arr = rgb
    elif im.mode in ('1', 'L', 'I', 'I;16', 'I;16B'):
        arr = np.asarray(im).astype(np.float64)
        if im.mode == '1':
            arr = arr * 255.0  # PIL reads 1-bit grey as bool; like 2- and 4-bit grey it means 0..255
        arr = arr[..., None]
    elif im.mode == 'LA':
        arr = np.asarray(im)[..., :1]
    elif im.mode in ('RGB', 'RGBA'):
        arr = np.asarray(im)[..., :3]
    else:
        raise ValueError(f'{name}: mode {im.mode}')
    h, w, c = arr.shape
    e = summary(arr.astype(np.float32).ravel(), 1, h, w, c)
    e.update({'file': name, 'kind': kind, 'pilMode': info['mode'], 'interlace': info['interlace']})
    if note:
        e['note'] = note
    return e


def bits_png(name, values, depth, colour_type=0, interlace=False):
    """A grey PNG of a low bit depth written by hand (PIL cannot write 2-bit grey or Adam7)."""
    import struct
    import zlib
    h, w = values.shape[:2]

    def packed_rows(arr):
        out = b''
        for row in arr.reshape(arr.shape[0], -1):
            if depth == 16:
                line = b''.join(struct.pack('>H', int(v)) for v in row)
            else:
                bits = ''.join(format(int(v), f'0{depth}b') for v in row)
                bits += '0' * (-len(bits) % 8)
                line = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
            out += b'\x00' + line
        return out

    if interlace:
        raw = b''
        for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
            sub = values[y0::dy, x0::dx]
            if sub.size:
                raw += packed_rows(sub)
    else:
        raw = packed_rows(values)

    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack('>IIBBBBB', w, h, depth, colour_type, 0, 0, 1 if interlace else 0)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def raster_fixtures():
    entries = []
    for name in ('microaneurysms.png', 'camera.png', 'palette_gray.png', 'palette_color.png', 'green_palette.png',
                 'foo3x5x4indexed.png', 'chessboard_GRAY.png', 'checker_bilevel.png'):
        copy(os.path.join(SKI, name), name)
        entries.append(png_entry(name))
    rng = np.random.default_rng(7)
    # 16-bit grey, 16-bit RGB, grey+alpha, RGBA via PIL.
    g16 = rng.integers(0, 65536, size=(9, 13), dtype=np.uint16)
    Image.fromarray(g16.astype(np.uint16), mode='I;16').save(os.path.join(OUT, 'gray16.png'))
    entries.append(png_entry('gray16.png'))
    la = rng.integers(0, 256, size=(7, 11, 2), dtype=np.uint8)
    Image.fromarray(la, mode='LA').save(os.path.join(OUT, 'gray_alpha.png'))
    entries.append(png_entry('gray_alpha.png'))
    rgba = rng.integers(0, 256, size=(6, 10, 4), dtype=np.uint8)
    Image.fromarray(rgba, mode='RGBA').save(os.path.join(OUT, 'rgba.png'))
    entries.append(png_entry('rgba.png'))
    # Low bit depths and Adam7 interlace, written by hand (values read back by PIL, not by this writer).
    bits_png('gray2.png', rng.integers(0, 4, size=(5, 9)), 2)
    bits_png('gray4_adam7.png', rng.integers(0, 16, size=(11, 13)), 4, interlace=True)
    bits_png('gray1_adam7.png', rng.integers(0, 2, size=(10, 17)), 1, interlace=True)
    bits_png('gray16_adam7.png', rng.integers(0, 65536, size=(9, 10)), 16, interlace=True)
    for name in ('gray2.png', 'gray4_adam7.png', 'gray1_adam7.png', 'gray16_adam7.png'):
        entries.append(png_entry(name))
    # 16-bit RGB: PIL reduces it to 8 bits, so the reference is the numpy array written.
    rgb16 = rng.integers(0, 65536, size=(5, 7, 3))
    bits_png('rgb16.png', rgb16, 16, colour_type=2)
    e = summary(rgb16.astype(np.float32).ravel(), 1, 5, 7, 3)
    e.update({'file': 'rgb16.png', 'kind': 'png', 'pilMode': 'numpy', 'interlace': 0})
    entries.append(e)
    # An 8-bit RGB Adam7 PNG (PIL cannot write interlaced PNG).
    bits_png('rgb_adam7.png', rng.integers(0, 256, size=(21, 19, 3)), 8, colour_type=2, interlace=True)
    entries.append(png_entry('rgb_adam7.png'))
    assert entries[-1]['interlace'] == 1

    # JPEG: a skimage photo, and baseline/progressive/grey/CMYK written by PIL (libjpeg).
    copy(os.path.join(SKI, 'rocket.jpg'), 'rocket.jpg')
    copy(os.path.join(SKI, 'truncated.jpg'), 'truncated.jpg')
    entries.append(jpeg_entry('rocket.jpg'))
    cam = Image.open(os.path.join(SKI, 'camera.png')).resize((128, 96))
    cam.save(os.path.join(OUT, 'gray.jpg'), quality=90)
    entries.append(jpeg_entry('gray.jpg'))
    chel = Image.open(os.path.join(SKI, 'chelsea.png')).convert('RGB').resize((120, 80))
    chel.save(os.path.join(OUT, 'progressive.jpg'), quality=85, progressive=True)
    entries.append(jpeg_entry('progressive.jpg'))
    chel.save(os.path.join(OUT, 'rgb444.jpg'), quality=95, subsampling=0)
    entries.append(jpeg_entry('rgb444.jpg'))
    chel.convert('CMYK').save(os.path.join(OUT, 'cmyk.jpg'), quality=90)
    return entries


def jpeg_entry(name):
    im = Image.open(os.path.join(OUT, name))
    im.load()
    arr = np.asarray(im)
    if arr.ndim == 2:
        arr = arr[..., None]
    h, w, c = arr.shape
    e = summary(arr.astype(np.float32).ravel(), 1, h, w, c)
    if arr.size <= 50_000:
        # libjpeg's full decode, for the per-pixel tolerance test (jpeg-js rounds differently).
        with open(os.path.join(OUT, name + '.pil.u8.gz'), 'wb') as f:
            f.write(gzip.compress(np.ascontiguousarray(arr, dtype=np.uint8).tobytes(), mtime=0))
    e.update({'file': name, 'kind': 'jpeg', 'pilMode': im.mode,
              'progressive': bool(im.info.get('progressive') or im.info.get('progression'))})
    return e


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = nifti_fixtures() + raster_fixtures()
    versions = {'python': sys.version.split()[0], 'nibabel': nib.__version__, 'PIL': Image.__version__, 'numpy': np.__version__}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'generatedBy': 'test/reference/images_reference.py', 'versions': versions, 'files': entries}, f, indent=1)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f'{len(entries)} entries, fixtures total {total} bytes')


if __name__ == '__main__':
    main()
