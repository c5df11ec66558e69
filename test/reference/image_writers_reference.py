#!/usr/bin/python3
"""Independent readers for the files MedSynth's image writers make (test/unit/images/writers, convert).

Run with Debian's Python (numpy 1.24, PIL 9.4, nibabel 5.0, pydicom 2.3):
    /usr/bin/python3 test/reference/image_writers_reference.py <mode> <file>...
and it prints one JSON object: {"files": [...]} with, per file, what the reference library reads.
Nothing here imports or runs MedSynth code; the tests compare this output with the values they gave
the writer (or, for `medsynth convert`, with this script's reading of the source file).

Modes:
  png     PIL's mode, size and samples; the same file decoded from the PNG specification (zlib + the
          five scanline filters, every chunk CRC checked with zlib.crc32), which keeps 16-bit RGB
          that PIL reduces to 8 bits
  nifti   nibabel: shape, datatype, zooms, xyzt units, scl, cal_min/cal_max, descrip, q/sform codes,
          vox_offset and the data in MedSynth's order (x fastest: frame, row, column[, channel])
  npy     numpy.load: shape, dtype, values, and whether numpy.save writes the same bytes
  identifiers  pydicom: every identifying text value of a source DICOM file (names, ids, dates, times,
          UIDs, institution, station, descriptions; private elements too), to look for in an output
  window  pydicom's apply_windowing (DICOM's linear VOI function) of raw float32 values
  dicom   pydicom: file meta, every data element (keyword, VR, value; none may be private), the
          modality values (pixel_array, Bits Stored masking, apply_modality_lut) in MedSynth's order
Arrays come back as base64 of little-endian float32 ('f32') plus their shape.
"""
import base64
import json
import struct
import sys
import zlib

import numpy as np


def f32(a):
    a = np.ascontiguousarray(np.asarray(a, dtype='<f4'))
    return {'shape': list(a.shape), 'f32': base64.b64encode(a.tobytes()).decode('ascii')}


def png_spec_decode(path):
    """A PNG decoder written from the PNG specification (non-interlaced grey/RGB, 8/16 bits)."""
    b = open(path, 'rb').read()
    assert b[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
    at, chunks, crc_ok = 8, [], True
    while at < len(b):
        (n,) = struct.unpack('>I', b[at:at + 4])
        kind = b[at + 4:at + 8]
        data = b[at + 8:at + 8 + n]
        (crc,) = struct.unpack('>I', b[at + 8 + n:at + 12 + n])
        crc_ok = crc_ok and zlib.crc32(kind + data) & 0xffffffff == crc
        chunks.append((kind.decode('ascii'), data))
        at += 12 + n
    assert chunks[0][0] == 'IHDR' and chunks[-1][0] == 'IEND'
    w, h, depth, ctype, comp, filt, interlace = struct.unpack('>IIBBBBB', chunks[0][1])
    channels = {0: 1, 2: 3}[ctype]
    bps = depth // 8
    bpp = channels * bps
    raw = zlib.decompress(b''.join(d for k, d in chunks if k == 'IDAT'))
    stride = w * bpp
    assert len(raw) == h * (stride + 1), 'scanline bytes'
    out = bytearray(h * stride)
    prev = bytearray(stride)
    filters = []
    for r in range(h):
        ft = raw[r * (stride + 1)]
        filters.append(ft)
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 0:
                p = 0
            elif ft == 1:
                p = a
            elif ft == 2:
                p = up
            elif ft == 3:
                p = (a + up) // 2
            elif ft == 4:
                pa, pb, pc = abs(up - c), abs(a - c), abs(a + up - 2 * c)
                p = a if pa <= pb and pa <= pc else (up if pb <= pc else c)
            else:
                raise ValueError('filter type %d' % ft)
            line[i] = (line[i] + p) & 0xff
        out[r * stride:(r + 1) * stride] = line
        prev = line
    dtype = '>u2' if depth == 16 else 'u1'
    values = np.frombuffer(bytes(out), dtype=dtype).reshape(h, w, channels)
    return {
        'width': w, 'height': h, 'depth': depth, 'colorType': ctype, 'compression': comp, 'filterMethod': filt,
        'interlace': interlace, 'crcOk': crc_ok, 'chunks': [k for k, _ in chunks], 'filterTypes': sorted(set(filters)),
        'values': f32(values),
    }


def png(path):
    from PIL import Image
    im = Image.open(path)
    im.load()
    arr = np.asarray(im)
    ctype = open(path, 'rb').read(26)[25]
    spec = png_spec_decode(path) if ctype in (0, 2) else None  # the spec decoder reads what MedSynth writes
    rgb = f32(np.asarray(im.convert('RGB'))) if im.mode in ('P', 'RGB', 'RGBA') else None  # PIL's own palette/alpha handling
    return {'file': path, 'pil': {'mode': im.mode, 'size': list(im.size), 'values': f32(arr), 'rgb': rgb}, 'spec': spec}


def nifti(path):
    import nibabel as nib
    img = nib.load(path)
    hdr = img.header
    dt = img.get_data_dtype()
    if dt.names:
        raw = np.asanyarray(img.dataobj)
        data = np.stack([raw[c] for c in ('R', 'G', 'B')], axis=-1)  # (x, y, z, 3)
        ours = np.transpose(data, (2, 1, 0, 3))
    else:
        data = img.get_fdata(dtype=np.float64)
        ours = np.transpose(data, (2, 1, 0))
    return {
        'file': path,
        'sizeof_hdr': int(hdr['sizeof_hdr']),
        'magic': hdr['magic'].item().decode('ascii'),
        'shape': list(img.shape),
        'dim': [int(d) for d in hdr['dim']],
        'datatype': int(hdr['datatype']),
        'bitpix': int(hdr['bitpix']),
        'zooms': [float(z) for z in hdr.get_zooms()],
        'xyzt_units': list(hdr.get_xyzt_units()),
        'scl': [None if np.isnan(v) else float(v) for v in hdr.get_slope_inter() if v is not None] if not dt.names else [],
        'cal': [float(hdr['cal_min']), float(hdr['cal_max'])],
        'descrip': hdr['descrip'].item().decode('ascii'),
        'qform_code': int(hdr['qform_code']),
        'sform_code': int(hdr['sform_code']),
        'vox_offset': float(img.dataobj.offset),  # img.header's vox_offset is reset on load
        'values': f32(ours),
    }


def npy(path):
    import io
    a = np.load(path)
    buf = io.BytesIO()
    np.save(buf, a)
    return {
        'file': path,
        'dtype': a.dtype.str,
        'fortran': bool(np.isfortran(a)) and a.ndim > 1,
        'shape': list(a.shape),
        'values': f32(a),
        'sameBytesAsNumpySave': buf.getvalue() == open(path, 'rb').read(),
    }


def element_value(el):
    if el.VR in ('OB', 'OW', 'OF', 'OD', 'UN'):
        return {'bytes': len(el.value) if el.value is not None else 0}
    if el.VR == 'SQ':
        return {'items': len(el.value)}
    v = el.value
    if isinstance(v, (list, tuple)) or type(v).__name__ == 'MultiValue':
        return [str(x) for x in v]
    return str(v)


def masked(arr, ds):
    """Bits Stored / High Bit masking with sign extension (PS3.5 8.1.1), which pydicom 2.3 leaves out."""
    ba, bs = ds.BitsAllocated, ds.BitsStored
    hb = getattr(ds, 'HighBit', bs - 1)
    if bs == ba and hb == bs - 1:
        return arr
    a = arr.astype(np.int64) & ((1 << ba) - 1)
    a = (a >> (hb + 1 - bs)) & ((1 << bs) - 1)
    if ds.PixelRepresentation == 1:
        a = np.where(a >= (1 << (bs - 1)), a - (1 << bs), a)
    return a


def dicom(path):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    ds = pydicom.dcmread(path)
    elements = []
    for el in ds.iterall():
        elements.append({'tag': '%08X' % int(el.tag), 'keyword': el.keyword, 'vr': el.VR, 'private': el.tag.is_private,
                         'value': element_value(el)})
    arr = ds.pixel_array
    values = apply_modality_lut(masked(arr, ds), ds) if ds.SamplesPerPixel == 1 else arr
    frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
    if ds.SamplesPerPixel == 1 and frames == 1:
        values = values[np.newaxis]
    if ds.SamplesPerPixel == 3 and frames == 1:
        values = values[np.newaxis]
    return {
        'file': path,
        'preamble': open(path, 'rb').read(132)[128:132].decode('latin1'),
        'meta': {el.keyword: str(el.value) for el in ds.file_meta if el.VR not in ('OB',)},
        'elements': elements,
        'storedDtype': arr.dtype.str,
        'values': f32(values),
    }


def window(path):
    """path = '<raw little-endian float32 file>:<center>:<width>:<bits>': pydicom's DICOM linear VOI windowing."""
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_windowing
    raw, center, width, bits = path.rsplit(':', 3)
    values = np.fromfile(raw, dtype='<f4').astype(np.float64)
    ds = pydicom.Dataset()
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsStored = int(bits)
    ds.PixelRepresentation = 0
    ds.WindowCenter = float(center)
    ds.WindowWidth = float(width)
    ds.VOILUTFunction = 'LINEAR'
    return {'file': raw, 'values': f32(apply_windowing(values, ds))}


# What medsynth may copy from a source (src/core/data/dicom/dicomTemplate.ts): not identifiers.
TECHNICAL = {'Modality', 'BodyPartExamined', 'KVP', 'SliceThickness', 'PixelSpacing', 'SpacingBetweenSlices',
             'ConvolutionKernel', 'MagneticFieldStrength', 'RepetitionTime', 'EchoTime', 'FlipAngle'}
IDENTIFYING_VRS = {'PN', 'DA', 'TM', 'DT', 'UI', 'AE', 'SH', 'LO', 'ST', 'LT', 'UT', 'AS'}


def identifiers(path):
    """Every text value of a source file (file meta, data set, sequences, private elements) of an identifying
    VR, but the technical attributes medsynth may copy and the standard's own UIDs (SOP classes, syntaxes)."""
    import pydicom
    ds = pydicom.dcmread(path)
    found = set()
    for el in list(ds.file_meta) + list(ds.iterall()):
        if el.VR not in IDENTIFYING_VRS or el.keyword in TECHNICAL or el.value is None:
            continue
        values = el.value if isinstance(el.value, (list, tuple)) or type(el.value).__name__ == 'MultiValue' else [el.value]
        for v in values:
            t = str(v).strip()
            if t and not t.startswith('1.2.840.10008.'):
                found.add(t)
    return {'file': path, 'strings': sorted(found)}


MODES = {'png': png, 'identifiers': identifiers, 'nifti': nifti, 'npy': npy, 'dicom': dicom, 'window': window}

if __name__ == '__main__':
    if len(sys.argv) < 3 or sys.argv[1] not in MODES:
        sys.exit('usage: image_writers_reference.py png|nifti|npy|dicom|window|identifiers <file>...')
    print(json.dumps({'files': [MODES[sys.argv[1]](p) for p in sys.argv[2:]]}))
