#!/usr/bin/python3
"""Expected values for the DICOM reader tests, from pydicom 2.3 (Debian python3-pydicom) and numpy.

Run with Debian's interpreter: /usr/bin/python3 test/reference/dicom_reference.py
It (1) writes small synthetic fixtures with pydicom's writer under test/fixtures/dicom/synthetic/
(12-bit signed MONOCHROME1 with junk high bits, a palette colour image, a shuffled 3-slice series,
short pixel data) and (2) writes test/fixtures/dicom/expected.json: for every fixture the shape,
header values, and the float32 modality values' sum/min/max/samples/sha256 as pydicom computes them
(pixel_array, Bits Stored masking done here in numpy, apply_modality_lut, convert_color_space,
apply_color_lut). Nothing here imports or runs MedSynth code.
"""
import hashlib
import json
import os

import numpy as np
import pydicom
import pydicom.fileset
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import apply_color_lut, apply_modality_lut, convert_color_space
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'dicom')
PYD = os.path.join(ROOT, 'pydicom')
SYN = os.path.join(ROOT, 'synthetic')


def base_dataset(rows, cols, bits_alloc, bits_stored, signed, photometric, spp=1):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
    meta.MediaStorageSOPInstanceUID = '1.2.3.4.5.6.7'
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'OT'
    ds.Rows = rows
    ds.Columns = cols
    ds.SamplesPerPixel = spp
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_alloc
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    return ds


def write_synthetic():
    os.makedirs(SYN, exist_ok=True)
    rng = np.random.default_rng(7)
    # 12 of 16 bits, signed, junk in the 4 unused high bits, two frames, rescale, MONOCHROME1, 2 windows.
    ds = base_dataset(6, 5, 16, 12, True, 'MONOCHROME1')
    ds.NumberOfFrames = 2
    stored = rng.integers(-2048, 2048, size=(2, 6, 5))
    junk = rng.integers(0, 16, size=(2, 6, 5)) << 12
    words = ((stored & 0xFFF) | junk).astype(np.uint16)
    ds.PixelData = words.tobytes()
    ds.RescaleSlope = '2.5'
    ds.RescaleIntercept = '-100'
    ds.WindowCenter = ['40', '300']
    ds.WindowWidth = ['400', '1500']
    ds.WindowCenterWidthExplanation = ['SOFT', 'BONE']
    ds.PixelSpacing = ['0.5', '0.75']
    ds.SpacingBetweenSlices = '3'
    pydicom.dcmwrite(os.path.join(SYN, 'signed12_mono1_2frames.dcm'), ds, write_like_original=False)

    # Palette colour, 8-bit indices, 16-bit LUT entries, first mapped value 10.
    ds = base_dataset(4, 4, 8, 8, False, 'PALETTE COLOR')
    ds.PixelData = rng.integers(0, 256, size=(4, 4)).astype(np.uint8).tobytes()
    n = 200
    for colour, scale in (('Red', 300), ('Green', 200), ('Blue', 100)):
        setattr(ds, f'{colour}PaletteColorLookupTableDescriptor', [n, 10, 16])
        lut = (np.arange(n) * scale % 65536).astype('<u2')
        setattr(ds, f'{colour}PaletteColorLookupTableData', lut.tobytes())
    pydicom.dcmwrite(os.path.join(SYN, 'palette.dcm'), ds, write_like_original=False)

    # A 3-slice series written out of order: positions 5, 0, 2.5 along an oblique normal; instance
    # numbers that disagree with the positions (the position order must win).
    series_uid = '1.2.3.4.5.6.8'
    iop = [0.0, 1.0, 0.0, 0.0, 0.0, -1.0]  # rows along y, columns along -z: the normal is -x
    normal = np.cross(iop[:3], iop[3:])
    for name, k, inst in (('s_a.dcm', 2, 1), ('s_b.dcm', 0, 3), ('s_c.dcm', 1, 2)):
        ds = base_dataset(3, 4, 16, 16, False, 'MONOCHROME2')
        ds.SOPInstanceUID = f'1.2.3.4.5.6.9.{k}'
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.Modality = 'CT'
        ds.SeriesInstanceUID = series_uid
        ds.InstanceNumber = inst
        ds.ImageOrientationPatient = iop
        ds.ImagePositionPatient = list(map(str, (normal * 2.5 * k + [1, 2, 3]).round(4)))
        ds.PixelSpacing = ['0.8', '0.8']
        ds.SliceThickness = '2.5'
        ds.RescaleSlope = '1'
        ds.RescaleIntercept = '-1024'
        ds.PixelData = (np.arange(12, dtype=np.uint16).reshape(3, 4) + 100 * k).tobytes()
        pydicom.dcmwrite(os.path.join(SYN, name), ds, write_like_original=False)
    # Same series, different size: readDicomSeries must refuse the mix.
    ds = base_dataset(5, 4, 16, 16, False, 'MONOCHROME2')
    ds.SeriesInstanceUID = series_uid
    ds.PixelData = np.zeros((5, 4), dtype=np.uint16).tobytes()
    pydicom.dcmwrite(os.path.join(SYN, 's_mismatch.dcm'), ds, write_like_original=False)

    # Two-frame colour: planar RGB (R plane, G plane, B plane per frame) and 4:2:2 YBR (Y1 Y2 Cb Cr).
    ds = base_dataset(3, 4, 8, 8, False, 'RGB', spp=3)
    ds.PlanarConfiguration = 1
    ds.NumberOfFrames = 2
    ds.PixelData = rng.integers(0, 256, size=2 * 3 * 3 * 4).astype(np.uint8).tobytes()
    pydicom.dcmwrite(os.path.join(SYN, 'rgb_planar_2frames.dcm'), ds, write_like_original=False)
    ds = base_dataset(2, 4, 8, 8, False, 'YBR_FULL_422', spp=3)
    ds.PlanarConfiguration = 0
    ds.NumberOfFrames = 2
    ds.PixelData = rng.integers(0, 256, size=2 * 2 * 4 * 2).astype(np.uint8).tobytes()
    pydicom.dcmwrite(os.path.join(SYN, 'ybr422_2frames.dcm'), ds, write_like_original=False)

    # A Modality LUT Sequence instead of rescale: 100 entries from stored value 5, clamped at both ends.
    ds = base_dataset(4, 5, 16, 16, False, 'MONOCHROME2')
    ds.PixelData = np.arange(0, 120, 6, dtype='<u2').tobytes()
    item = Dataset()
    item.LUTDescriptor = [100, 5, 16]
    item.ModalityLUTType = 'US'
    item.LUTData = (np.arange(100, dtype='<u2') * 7 + 3).tobytes()
    item['LUTData'].VR = 'OW'
    ds.ModalityLUTSequence = [item]
    pydicom.dcmwrite(os.path.join(SYN, 'modality_lut.dcm'), ds, write_like_original=False)

    # A VOI LUT instead of a window (first mapped -100, 256 entries).
    ds = base_dataset(2, 2, 16, 16, True, 'MONOCHROME2')
    ds.PixelData = np.array([[-100, 0], [50, 155]], dtype='<i2').tobytes()
    item = Dataset()
    item.LUTDescriptor = [256, -100, 16]
    item.LUTData = np.arange(0, 65536, 256, dtype='<u2').tobytes()
    ds.VOILUTSequence = [item]
    pydicom.dcmwrite(os.path.join(SYN, 'voi_lut.dcm'), ds, write_like_original=False)

    # Pixel data shorter than Rows x Columns x 2 bytes.
    ds = base_dataset(64, 64, 16, 16, False, 'MONOCHROME2')
    ds.PixelData = bytes(1000)
    pydicom.dcmwrite(os.path.join(SYN, 'short_pixels.dcm'), ds, write_like_original=False)


def masked(arr, ds):
    """Bits Stored / High Bit masking with sign extension, in numpy."""
    ba, bs = ds.BitsAllocated, ds.BitsStored
    hb = getattr(ds, 'HighBit', bs - 1)
    if ba == 1 or (bs == ba and hb == bs - 1):
        return arr.astype(np.int64)
    a = arr.astype(np.int64) & ((1 << ba) - 1)
    a = (a >> (hb + 1 - bs)) & ((1 << bs) - 1)
    if ds.PixelRepresentation == 1:
        a = np.where(a >= (1 << (bs - 1)), a - (1 << bs), a)
    return a


def modality_values(ds):
    arr = ds.pixel_array
    frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
    spp = ds.SamplesPerPixel
    pi = ds.PhotometricInterpretation
    if spp == 3:
        a = masked(arr, ds)
        if pi in ('YBR_FULL', 'YBR_FULL_422'):
            a = convert_color_space(a.astype(np.uint8), pi, 'RGB')
        out = a.astype(np.float32)
        channels = 3
    elif pi == 'PALETTE COLOR':
        out = (apply_color_lut(arr, ds).astype(np.int64) >> 8).astype(np.float32)
        channels = 3
    else:
        a = masked(arr, ds)
        out = np.asarray(apply_modality_lut(a, ds), dtype=np.float64).astype(np.float32)
        channels = 1
    return out.reshape(frames, ds.Rows, ds.Columns, channels)


def summary(values):
    flat = values.ravel()
    idx = sorted({0, 1, len(flat) // 3, len(flat) // 2, len(flat) - 1})
    return {
        'shape': list(values.shape),
        'sum': float(flat.astype(np.float64).sum()),
        'min': float(flat.min()),
        'max': float(flat.max()),
        'samples': {str(i): float(flat[i]) for i in idx},
        'sha256': hashlib.sha256(flat.astype('<f4').tobytes()).hexdigest(),
    }


def multi(ds, keyword):
    if keyword not in ds:
        return []
    v = ds[keyword].value
    return [float(x) for x in v] if isinstance(v, pydicom.multival.MultiValue) else [float(v)]


def pixel_spacing(ds):
    if 'PixelSpacing' in ds:
        return [float(x) for x in ds.PixelSpacing]
    try:  # enhanced multi-frame: Shared Functional Groups > Pixel Measures
        return [float(x) for x in ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing]
    except (AttributeError, IndexError):
        return None


def header(ds):
    def num(v):
        return None if v is None else float(v)
    out = {
        'transferSyntax': str(ds.file_meta.TransferSyntaxUID) if 'TransferSyntaxUID' in ds.file_meta else None,
        'photometric': ds.get('PhotometricInterpretation'),
        'bitsAllocated': ds.get('BitsAllocated'),
        'bitsStored': ds.get('BitsStored'),
        'pixelRepresentation': ds.get('PixelRepresentation'),
        'rescaleSlope': num(ds.get('RescaleSlope')),
        'rescaleIntercept': num(ds.get('RescaleIntercept')),
        'windowCenters': multi(ds, 'WindowCenter'),
        'windowWidths': multi(ds, 'WindowWidth'),
        'pixelSpacing': pixel_spacing(ds),
        'modality': ds.get('Modality'),
    }
    return out


def main():
    write_synthetic()
    expected = {'images': {}, 'series': {}, 'dicomdir': {}}
    singles = sorted(f for f in os.listdir(PYD) if f.endswith('.dcm') and f not in ('MR_truncated.dcm', 'badVR.dcm', 'ExplVR_LitEndNoMeta.dcm', 'ExplVR_BigEndNoMeta.dcm'))
    for name in singles:
        ds = pydicom.dcmread(os.path.join(PYD, name))
        expected['images'][f'pydicom/{name}'] = {**header(ds), **summary(modality_values(ds))}
    for name in ('signed12_mono1_2frames.dcm', 'palette.dcm', 'rgb_planar_2frames.dcm', 'ybr422_2frames.dcm', 'modality_lut.dcm'):
        ds = pydicom.dcmread(os.path.join(SYN, name))
        expected['images'][f'synthetic/{name}'] = {**header(ds), **summary(modality_values(ds))}

    # Series: order by ImagePositionPatient . normal(ImageOrientationPatient), as PS3.3 C.7.6.2.1.1 defines.
    files = [pydicom.dcmread(os.path.join(SYN, n)) for n in ('s_a.dcm', 's_b.dcm', 's_c.dcm')]
    names = ['s_a.dcm', 's_b.dcm', 's_c.dcm']
    normal = np.cross(np.array(files[0].ImageOrientationPatient[:3], float), np.array(files[0].ImageOrientationPatient[3:], float))
    keys = [float(np.dot(np.array(f.ImagePositionPatient, float), normal)) for f in files]
    order = sorted(range(3), key=lambda i: keys[i])
    vol = np.concatenate([modality_values(files[i]) for i in order], axis=0)
    expected['series']['synthetic'] = {'order': [names[i] for i in order], 'sliceSpacing': float(np.median(np.diff(sorted(keys)))), **summary(vol)}

    # The 16 x 16 CT series of the dicomdirtests patient 77654033 (4 files).
    ct2 = os.path.join(PYD, 'dicomdirtests', '77654033', 'CT2')
    dss = [pydicom.dcmread(os.path.join(ct2, n)) for n in sorted(os.listdir(ct2))]
    normal = np.cross(np.array(dss[0].ImageOrientationPatient[:3], float), np.array(dss[0].ImageOrientationPatient[3:], float))
    dss.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, float), normal)))
    vol = np.concatenate([modality_values(d) for d in dss], axis=0)
    expected['series']['dicomdir_ct2'] = {'instanceOrder': [int(d.InstanceNumber) for d in dss], **summary(vol)}

    # DICOMDIR record trees, walked by pydicom's FileSet/records (offsets resolved by pydicom).
    for variant in ('DICOMDIR', 'DICOMDIR-implicit', 'DICOMDIR-bigEnd', 'DICOMDIR-reordered', 'DICOMDIR-nooffset'):
        ds = pydicom.dcmread(os.path.join(PYD, 'dicomdirtests', variant))

        def tree(node):
            out = []
            for child in node.children:
                rec = child._record
                item = {'type': rec.DirectoryRecordType}
                if 'ReferencedFileID' in rec:
                    v = rec.ReferencedFileID
                    item['file'] = '/'.join(v) if isinstance(v, (list, pydicom.multival.MultiValue)) else str(v)
                if child.children:
                    item['children'] = tree(child)
                out.append(item)
            return out
        fs = pydicom.fileset.FileSet(ds)
        expected['dicomdir'][variant] = tree(fs._tree)
    # Images the DICOMDIR references, grouped as the reader must group them.
    uids = {}
    for dirpath, _, fnames in os.walk(os.path.join(PYD, 'dicomdirtests')):
        for n in fnames:
            if n.startswith('DICOMDIR') or n.endswith('.txt'):
                continue
            d = pydicom.dcmread(os.path.join(dirpath, n))
            uids.setdefault(d.SeriesInstanceUID, []).append(int(d.NumberOfFrames) if 'NumberOfFrames' in d else 1)
    expected['dicomdirImages'] = {'series': len(uids), 'frames': sum(sum(v) for v in uids.values())}

    with open(os.path.join(ROOT, 'expected.json'), 'w') as fh:
        json.dump(expected, fh, indent=1, sort_keys=True)
        fh.write('\n')


if __name__ == '__main__':
    main()
