// PNG and JPEG files into an ImageSet with one single-frame ImageVolume (grey = 1 channel, colour =
// RGB, alpha dropped), chosen by the file's magic bytes, not its name.

import { badInput, throwIfAborted } from '../../errors';
import type { ImageSet, ImageVolume } from '../imageSet';
import type { ReadOptions } from '../readOptions';
import { decodeJpeg, isJpeg, scanJpeg } from './jpegReader';
import { isPng, parsePngChunks } from './pngChunks';
import { decodePngPixels, outputChannels } from './pngPixels';
import type { DisplayWindow } from './valueWindows';
import { RangeAccumulator, rangeWindow, rangeWindowOf } from './valueWindows';

const PNG_COLOUR_TYPES: Readonly<Record<number, string>> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey + alpha', 6: 'RGBA' };

function baseName(path: string | undefined): string {
  if (!path) return 'image';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || 'image';
}

function volume(
  opts: ReadOptions,
  width: number,
  height: number,
  channels: 1 | 3,
  data: Float32Array,
  metadata: Record<string, string | number>,
  windows: DisplayWindow[] = rangeWindow(data),
): ImageVolume {
  return {
    id: baseName(opts.fileName),
    frames: 1,
    rows: height,
    columns: width,
    channels,
    data,
    photometric: channels === 3 ? 'RGB' : 'MONOCHROME2',
    windows,
    sourceFiles: [opts.fileName ?? 'image'],
    metadata,
  };
}

export async function readRaster(bytes: Uint8Array, opts: ReadOptions = {}): Promise<ImageSet> {
  throwIfAborted(opts.signal);
  if (isPng(bytes)) {
    const png = parsePngChunks(bytes, opts.fileName);
    const h = png.header;
    const channels = outputChannels(png);
    const range = new RangeAccumulator();
    const data = decodePngPixels(png, opts, range);
    const metadata: Record<string, string | number> = {
      format: 'PNG',
      bitDepth: h.depth,
      colourType: PNG_COLOUR_TYPES[h.colorType],
      interlace: h.interlaced ? 'Adam7' : 'none',
      valueRange: h.depth === 16 ? '0..65535 (16-bit samples kept)' : '0..255',
    };
    if (h.colorType === 4 || h.colorType === 6) metadata.alpha = 'dropped';
    if (png.hadTransparency) metadata.transparency = 'tRNS ignored';
    if (h.colorType === 0 && h.depth < 8) metadata.expanded = `${h.depth}-bit grey scaled to 0..255`;
    if (h.colorType === 3 && png.palette) metadata.paletteEntries = png.palette.length / 3;
    if (png.animated) metadata.animation = 'APNG: default image only';
    return { modality: 'image', images: [volume(opts, h.width, h.height, channels, data, metadata, rangeWindowOf(range.range()))] };
  }
  if (isJpeg(bytes)) {
    const frame = scanJpeg(bytes, opts);
    const data = decodeJpeg(bytes, frame, opts);
    const channels = frame.componentIds.length === 3 ? 3 : 1;
    const metadata: Record<string, string | number> = {
      format: 'JPEG',
      process: frame.process,
      components: frame.componentIds.length,
      colourSpace: channels === 1 ? 'grey' : frame.ycbcr ? 'YCbCr (converted to RGB)' : 'RGB',
      valueRange: '0..255',
    };
    return { modality: 'image', images: [volume(opts, frame.width, frame.height, channels, data, metadata)] };
  }
  throw badInput('not a PNG or JPEG file', { file: opts.fileName, offset: 0, expected: 'the PNG signature or a JPEG SOI marker' });
}
