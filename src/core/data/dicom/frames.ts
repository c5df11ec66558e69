// All frames of one parsed file into a float32 buffer: native pixel data straight from the dataset,
// encapsulated pixel data through the codecs module; both go through the same pixel pipeline.
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import type { ReadOptions } from '../readOptions';
import { decodeFrame, framesOf, isEncapsulatedSyntax } from './codecs/frameDecoder';
import type { EncapsulatedPixelData, FrameGeometry } from './codecs/frameDecoder';
import { isNativeSyntax } from './dicomFile';
import type { DicomFile, DicomImageAttributes } from './dicomFile';
import { batchableFrames, checkNativeLength, nativeFrames } from './nativePixels';
import type { RawSamples } from './nativePixels';
import type { Palette } from './pixelPipeline';
import { outputChannels, readPalette, writeFrame } from './pixelPipeline';

const FLOAT32_MAX = 3.4e38;

/** The image attributes of a file that must have pixel data. */
export function requireImage(file: DicomFile): DicomImageAttributes {
  if (file.image) return file.image;
  const ds = file.dataSet;
  if (ds.elements.x7fe00008 || ds.elements.x7fe00009) {
    throw new MedSynthError('UNSUPPORTED', 'Float Pixel Data and Double Float Pixel Data are not supported', {
      file: file.fileName,
      expected: 'integer Pixel Data (7FE0,0010)',
    });
  }
  throw new MedSynthError(
    'UNSUPPORTED',
    `the file has no Pixel Data (7FE0,0010)${file.sopClassUid ? `: SOP class ${file.sopClassUid} is not an image` : ''}`,
    { file: file.fileName, expected: 'a DICOM image' },
  );
}

/** Values one file contributes to a volume (frames x rows x columns x output channels). */
export function fileValueCount(image: DicomImageAttributes): number {
  return image.numberOfFrames * image.rows * image.columns * outputChannels(image);
}

function encapsulatedData(file: DicomFile): EncapsulatedPixelData {
  const pd = file.pixelData!;
  const bytes = file.dataSet.byteArray;
  const fragments: Uint8Array[] = [];
  const offsets: number[] = [];
  for (const f of pd.element.fragments ?? []) {
    if (!(f.position >= 0 && f.length >= 0 && f.position + f.length <= bytes.length)) {
      throw badInput(`a pixel data fragment declares ${f.length} bytes but only ${Math.max(0, bytes.length - f.position)} follow`, {
        file: file.fileName,
        offset: f.position,
        expected: 'complete fragment items',
      });
    }
    fragments.push(bytes.subarray(f.position, f.position + f.length));
    offsets.push(f.offset);
  }
  if (fragments.length === 0)
    throw badInput('the encapsulated Pixel Data has no fragments', {
      file: file.fileName,
      offset: pd.offset,
      expected: 'at least one fragment item',
    });
  return { basicOffsetTable: pd.element.basicOffsetTable ?? [], fragments, fragmentOffsets: offsets };
}

async function encapsulatedFrames(
  file: DicomFile,
  image: DicomImageAttributes,
  opts: ReadOptions,
): Promise<(frame: number) => Promise<{ pixels: RawSamples; photometric: string }>> {
  const syntax = file.transferSyntaxUid;
  if (!isEncapsulatedSyntax(syntax))
    throw new MedSynthError('UNSUPPORTED', `transfer syntax ${syntax} is not supported`, {
      file: file.fileName,
      expected: 'a native or a supported compressed transfer syntax',
    });
  if (!file.pixelData?.encapsulated)
    throw badInput(`transfer syntax ${syntax} is compressed but the Pixel Data is not encapsulated`, {
      file: file.fileName,
      offset: file.pixelData?.offset,
      expected: 'an undefined-length Pixel Data element with fragment items',
    });
  const frames = framesOf(encapsulatedData(file), image.numberOfFrames, { fileName: file.fileName });
  if (frames.length < image.numberOfFrames)
    throw badInput(`the encapsulated Pixel Data holds ${frames.length} frames`, {
      file: file.fileName,
      expected: `${image.numberOfFrames} frames`,
    });
  const geometry: FrameGeometry = {
    rows: image.rows,
    columns: image.columns,
    samplesPerPixel: image.samplesPerPixel,
    bitsAllocated: image.bitsAllocated,
    bitsStored: image.bitsStored,
    pixelRepresentation: image.pixelRepresentation,
    planarConfiguration: image.planarConfiguration,
    photometricInterpretation: image.photometricInterpretation,
  };
  return async (frame) => {
    try {
      const decoded = await decodeFrame(syntax, frames[frame], geometry, { fileName: file.fileName, limits: opts.limits });
      return { pixels: decoded.pixels, photometric: decoded.photometricInterpretation.toUpperCase() };
    } catch (e) {
      if (e instanceof MedSynthError) throw e;
      throw new MedSynthError(
        'BAD_INPUT',
        `frame ${frame + 1} does not decode: ${e instanceof Error ? e.message : String(e)}`,
        { file: file.fileName },
        { cause: e },
      );
    }
  };
}

export interface PreparedFile {
  readonly file: DicomFile;
  readonly image: DicomImageAttributes;
  /** Output values per frame (rows x columns x output channels). */
  readonly perFrame: number;
  /** Writes every frame as modality values into `out` from `offset`; returns the values written. */
  write(out: Float32Array, offset: number): Promise<number>;
}

/**
 * Validates one file's pixel data before the caller allocates anything for it: native data must be
 * long enough, the palette well formed, and with `probe` the first compressed frame must decode (so a
 * tiny file cannot make the caller allocate a huge volume for fragments that are not there). A series
 * probes its first file only: the others share its geometry, and holding every decoded frame would
 * double the memory.
 */
export async function prepareFile(file: DicomFile, opts: ReadOptions, probe = true): Promise<PreparedFile> {
  const image = requireImage(file);
  const native = isNativeSyntax(file.transferSyntaxUid);
  if (native && file.pixelData?.encapsulated)
    throw badInput('the Pixel Data is encapsulated but the transfer syntax is uncompressed', {
      file: file.fileName,
      offset: file.pixelData.offset,
      expected: 'Pixel Data of defined length',
    });
  if (native) checkNativeLength(file);
  const next = native ? undefined : await encapsulatedFrames(file, image, opts);
  let first = next && probe ? await next(0) : undefined;
  const palette: Palette | undefined =
    image.photometricInterpretation === 'PALETTE COLOR' && image.samplesPerPixel === 1 ? readPalette(file) : undefined;
  const perFrame = image.rows * image.columns * outputChannels(image);
  const slope = file.rescaleSlope ?? 1;
  const intercept = file.rescaleIntercept ?? 0;
  if (!(Math.abs(slope) * 2 ** image.bitsStored + Math.abs(intercept) < FLOAT32_MAX)) {
    throw badInput(`Rescale Slope ${slope} and Intercept ${intercept} overflow float32 for ${image.bitsStored}-bit values`, {
      file: file.fileName,
      expected: 'modality values within the float32 range',
    });
  }
  const write = async (out: Float32Array, offset: number): Promise<number> => {
    // Native frames go through the pipeline in batches of at least 64 Ki pixels where the layout
    // allows, so a file of a million 1 x 1 frames costs what one 1000 x 1000 frame does.
    const batch = next || !batchableFrames(image) ? 1 : Math.max(1, Math.floor(65_536 / (image.rows * image.columns)));
    for (let f = 0; f < image.numberOfFrames; f += batch) {
      throwIfAborted(opts.signal);
      const target = { out, offset: offset + f * perFrame, slope, intercept, palette };
      if (next) {
        const decoded = f === 0 && first ? first : await next(f);
        first = undefined;
        // Decoders hand back interleaved samples; the pipeline applies Bits Stored and colour the same way.
        writeFrame(
          file,
          { ...image, planarConfiguration: 0, photometricInterpretation: decoded.photometric },
          decoded.pixels,
          decoded.photometric,
          target,
        );
      } else {
        const n = Math.min(batch, image.numberOfFrames - f);
        writeFrame(file, { ...image, rows: image.rows * n }, nativeFrames(file, f, n), image.photometricInterpretation, target);
      }
    }
    return perFrame * image.numberOfFrames;
  };
  return { file, image, perFrame, write };
}
