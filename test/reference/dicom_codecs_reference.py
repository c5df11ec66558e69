#!/usr/bin/python3
"""Builds the codec fixtures under test/fixtures/dicom/codecs/ and their expected pixels.

Run with Debian's Python (python3-pydicom 2.3, python3-gdcm, python3-numpy, python3-pil) and dcmtk:
    /usr/bin/python3 test/reference/dicom_codecs_reference.py

Fixtures: copies of pydicom's test files, plus files compressed here by dcmtk (dcmcjpeg, dcmcjpls,
dcmcrle) from pydicom's uncompressed files, plus HTJ2K files encoded with OpenJPH's encoder (the only
HTJ2K encoder available offline; its output is checked against the SOURCE pixels, never against our
decoder).

Expected pixels never come from MedSynth: lossless fixtures made here are checked against the source
pixels AND against dcmtk's decompression; pydicom's own files against dcmtk's decompression (dcmdrle,
dcmdjpeg, dcmdjpls) read by pydicom, or against GDCM (OpenJPEG) for JPEG 2000, or pydicom's Pillow
handler where pydicom documents the file (SC_jpeg_no_color_transform*). The JSON holds, per frame, the
sha256 of the little-endian container array (Bits Allocated / Pixel Representation, interleaved,
signed values sign-extended from Bits Stored) and, for small lossy frames, the zlib-compressed
reference array so the test can measure the difference when a codec update changes the rounding.
"""
import base64, hashlib, json, os, shutil, subprocess, sys, tempfile, zlib
import numpy as np
import pydicom
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian

SRC = '/usr/lib/python3/dist-packages/pydicom/data/test_files'
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test/fixtures/dicom/codecs')
TMP = tempfile.mkdtemp()
# pydicom 2.3 predates HTJ2K; tell it the UID is a (compressed) transfer syntax so it writes the file.
pydicom.uid.UID_dictionary['1.2.840.10008.1.2.4.201'] = (
    'High-Throughput JPEG 2000 Image Compression (Lossless Only)', 'Transfer Syntax', '', '', 'HTJ2KLossless')

COPIED = ['MR_small_RLE.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_16bit_2frame.dcm', 'SC_rgb_rle_32bit_2frame.dcm', 'rtdose_rle.dcm',
          'SC_rgb_jpeg_dcmtk.dcm', 'SC_rgb_dcmtk_+eb+cy+s2.dcm', 'SC_rgb_dcmtk_+eb+cr.dcm', 'SC_rgb_small_odd_jpeg.dcm',
          'SC_jpeg_no_color_transform.dcm', 'SC_jpeg_no_color_transform_2.dcm', 'JPGExtended.dcm', 'SC_rgb_jpeg_gdcm.dcm',
          'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'JPEG2000.dcm', '693_J2KI.dcm', 'GDCMJ2K_TextGBR.dcm']


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)


def container(arr, ds):
    """The array as MedSynth returns it: container dtype, interleaved, sign-extended from Bits Stored."""
    kind = ('i' if ds.PixelRepresentation == 1 else 'u') + str(ds.BitsAllocated // 8)
    a = np.asarray(arr)
    if ds.PixelRepresentation == 1 and ds.BitsStored < ds.BitsAllocated:
        shift = 64 - ds.BitsStored
        a = (a.astype(np.int64) << shift) >> shift
    return a.astype('<' + kind)


def frames_of(arr, ds):
    n = int(ds.get('NumberOfFrames', 1) or 1)
    return [arr] if n == 1 else [arr[i] for i in range(n)]


def native_source(name, build):
    """Writes an uncompressed Explicit VR Little Endian file built by `build(ds)` and returns its path."""
    path = os.path.join(TMP, name)
    ds = build()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)
    return path


def set_pixels(ds, arr):
    ds.PixelData = arr.tobytes()
    if arr.ndim == 3 and ds.SamplesPerPixel == 1 or arr.ndim == 4:
        ds.NumberOfFrames = arr.shape[0]
    ds['PixelData'].VR = 'OW' if ds.BitsAllocated > 8 else 'OB'


def mr_multiframe():
    ds = pydicom.dcmread(os.path.join(SRC, 'MR_small.dcm'))
    a = ds.pixel_array
    set_pixels(ds, np.stack([a, a[::-1], a[:, ::-1], a.T]).astype('<i2'))
    return ds


def ct_12bit():
    ds = pydicom.dcmread(os.path.join(SRC, 'CT_small.dcm'))
    a = np.clip(ds.pixel_array.astype(np.int32) - 1024, -2048, 2047).astype('<i2')
    ds.BitsStored, ds.HighBit = 12, 11
    set_pixels(ds, a)
    return ds


def rgb_native():
    ds = pydicom.dcmread(os.path.join(SRC, 'SC_rgb_rle.dcm'))
    arr = ds.pixel_array.astype(np.uint8)
    ds.PlanarConfiguration = 0
    set_pixels(ds, arr)
    return ds


def decompress_dcmtk(path):
    ts = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
    out = os.path.join(TMP, 'dec_' + os.path.basename(path))
    tool = {'1.2.840.10008.1.2.5': 'dcmdrle'}.get(ts) or ('dcmdjpls' if ts in ('1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81') else 'dcmdjpeg')
    run(tool, path, out)
    return pydicom.dcmread(out)


def htj2k(src_path, out_name, tsuid):
    """Encodes each frame with OpenJPH (reversible) and encapsulates it with pydicom."""
    ds = pydicom.dcmread(src_path)
    arr = ds.pixel_array
    frames = frames_of(arr, ds)
    raw = os.path.join(TMP, 'htj2k_in.bin')
    encoded = []
    for f in frames:
        np.ascontiguousarray(f).tofile(raw)
        js = f"""
const f = require('{ROOT}/node_modules/@cornerstonejs/codec-openjph/dist/openjphjs.js');
const fs = require('fs');
f({{print(){{}}, printErr(){{}}}}).then((M) => {{
  const e = new M.HTJ2KEncoder();
  const raw = fs.readFileSync('{raw}');
  e.getDecodedBuffer({{ width: {ds.Columns}, height: {ds.Rows}, bitsPerSample: {ds.BitsStored}, componentCount: {ds.SamplesPerPixel},
    isSigned: {'true' if ds.PixelRepresentation else 'false'}, isUsingColorTransform: false }}).set(raw);
  e.encode();
  fs.writeFileSync('{raw}.j2c', e.getEncodedBuffer());
}});
"""
        subprocess.run(['node', '-e', js], check=True)
        with open(raw + '.j2c', 'rb') as fh:
            encoded.append(fh.read())
    ds.PixelData = encapsulate(encoded)
    ds['PixelData'].VR = 'OB'
    ds['PixelData'].is_undefined_length = True
    ds.file_meta.TransferSyntaxUID = tsuid
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(os.path.join(OUT, out_name), write_like_original=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(os.path.join(SRC, name), os.path.join(OUT, name))

    sources = {}  # generated fixture -> source pixels (exact expectation)
    mr_mf = native_source('mr_mf.dcm', mr_multiframe)
    ct12 = native_source('ct12.dcm', ct_12bit)
    rgb = native_source('rgb.dcm', rgb_native)
    mr = os.path.join(SRC, 'MR_small.dcm')
    gen = [
        ('mr_jpll_sv1.dcm', ['dcmcjpeg', '+e1'], mr),
        ('ct12_jpll_sv6_frag_nobot.dcm', ['dcmcjpeg', '+el', '+sv', '6', '+fs', '2', '-ot'], ct12),
        ('mr4_jpll_frag_bot.dcm', ['dcmcjpeg', '+e1', '+fs', '1'], mr_mf),
        ('mr4_jpll_frag_nobot.dcm', ['dcmcjpeg', '+e1', '+fs', '1', '-ot'], mr_mf),
        ('mr4_jls.dcm', ['dcmcjpls'], mr_mf),
        ('mr4_rle.dcm', ['dcmcrle'], mr_mf),
        ('ct12_jls.dcm', ['dcmcjpls'], ct12),
        # Lossy modes keep the source's UIDs (+un): dcmtk would otherwise mint new ones from the clock,
        # and the fixture would differ on every run (scripts/check-references.sh compares bytes).
        ('rgb_jls_near.dcm', ['dcmcjpls', '+en', '+un'], rgb),
        ('ct12_rle.dcm', ['dcmcrle'], ct12),
        ('rgb_jls_none.dcm', ['dcmcjpls', '+in'], rgb),
        ('rgb_jls_line.dcm', ['dcmcjpls', '+il'], rgb),
        ('rgb_jls_sample.dcm', ['dcmcjpls', '+is'], rgb),
        ('rgb_jpll_sv1.dcm', ['dcmcjpeg', '+e1'], rgb),
        ('ct_jpeg_baseline_gray.dcm', ['dcmcjpeg', '+eb', '+un'], os.path.join(SRC, 'CT_small.dcm')),
    ]
    lossy = {'rgb_jls_near.dcm': 2, 'ct_jpeg_baseline_gray.dcm': None}
    for name, cmd, src in gen:
        run(*cmd, src, os.path.join(OUT, name))
        if name not in lossy:
            sources[name] = src
    htj2k(mr_mf, 'mr4_htj2k.dcm', '1.2.840.10008.1.2.4.201')
    htj2k(rgb, 'rgb_htj2k.dcm', '1.2.840.10008.1.2.4.201')
    sources['mr4_htj2k.dcm'] = mr_mf
    sources['rgb_htj2k.dcm'] = rgb

    expected = {}
    for name in sorted(os.listdir(OUT)):
        if not name.endswith('.dcm'):
            continue
        path = os.path.join(OUT, name)
        ds = pydicom.dcmread(path)
        ts = str(ds.file_meta.TransferSyntaxUID)
        entry = {'transferSyntax': ts, 'rows': ds.Rows, 'columns': ds.Columns, 'samplesPerPixel': ds.SamplesPerPixel,
                 'bitsAllocated': ds.BitsAllocated, 'bitsStored': ds.BitsStored, 'pixelRepresentation': ds.PixelRepresentation,
                 'photometric': ds.PhotometricInterpretation, 'numberOfFrames': int(ds.get('NumberOfFrames', 1) or 1)}
        if name == 'JPGExtended.dcm':
            entry['expectError'] = 'UNSUPPORTED'
            expected[name] = entry
            continue
        if ts.startswith('1.2.840.10008.1.2.4.9'):
            ref_ds = pydicom.dcmread(path)
            ref_ds.decompress(handler_name='gdcm')
            ref, how = ref_ds.pixel_array, 'GDCM (OpenJPEG) via pydicom'
            out_photometric = 'RGB' if ds.SamplesPerPixel == 3 else ds.PhotometricInterpretation
        elif name.startswith('SC_jpeg_no_color_transform'):
            ref_ds = pydicom.dcmread(path)
            ref_ds.decompress(handler_name='pillow')
            ref, how = ref_ds.pixel_array, "pydicom's Pillow handler (no colour transform, as pydicom documents the file)"
            out_photometric = 'RGB'
        elif name in sources:
            src = pydicom.dcmread(sources[name])
            ref, how = src.pixel_array, 'the uncompressed source pixels (cross-checked with dcmtk decompression)'
            out_photometric = src.PhotometricInterpretation
            if 'htj2k' in name:
                how = 'the uncompressed source pixels (no independent HTJ2K decoder is installed)'
            else:
                dec = decompress_dcmtk(path)
                if not np.array_equal(container(dec.pixel_array, dec), container(ref, src)):
                    sys.exit(f'{name}: dcmtk decompression differs from the source pixels')
        else:
            dec = decompress_dcmtk(path)
            ref, how = dec.pixel_array, 'dcmtk decompression (dcmdrle / dcmdjpeg / dcmdjpls) read by pydicom'
            out_photometric = dec.PhotometricInterpretation
        entry['reference'] = how
        entry['expectedPhotometric'] = out_photometric
        lossy_syntax = ts in ('1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.91')
        frames = []
        for f in frames_of(ref, ds):
            c = np.ascontiguousarray(container(f, ds))
            fr = {'sha256': hashlib.sha256(c.tobytes()).hexdigest(), 'sum': int(c.astype(np.int64).sum()),
                  'min': int(c.min()), 'max': int(c.max()), 'length': int(c.size)}
            if lossy_syntax and c.nbytes <= 32768:  # small enough to keep for a difference measure
                fr['referenceZlibBase64'] = base64.b64encode(zlib.compress(c.tobytes(), 9)).decode()
            frames.append(fr)
        entry['frames'] = frames
        entry['lossy'] = lossy_syntax
        expected[name] = entry
    with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
        json.dump(expected, fh, indent=1, sort_keys=True)
        fh.write('\n')
    shutil.rmtree(TMP)


if __name__ == '__main__':
    main()
