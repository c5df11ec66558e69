// The ImageVolume the image tests build from values: shared by the writer tests (DICOM, NIfTI) and
// the PPCA fixtures, so that every test volume has the same fields and defaults.
import type { ImageVolume } from '../../../src/core/data/imageSet';

/**
 * A grey or RGB volume from `data` in MedSynth order (frame, row, column, channel): photometric from
 * the channels, no windows, no source files, no metadata, unless `extra` says otherwise.
 */
export function testVolume(
  id: string,
  frames: number,
  rows: number,
  columns: number,
  channels: 1 | 3,
  data: Float32Array,
  extra: Partial<ImageVolume> = {},
): ImageVolume {
  return {
    id,
    frames,
    rows,
    columns,
    channels,
    data,
    photometric: channels === 3 ? 'RGB' : 'MONOCHROME2',
    windows: [],
    sourceFiles: [],
    metadata: {},
    ...extra,
  };
}
