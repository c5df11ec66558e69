// The in-memory model every image reader (DICOM, NIfTI, PNG/JPEG) produces: float32 modality values
// with the geometry and display metadata a viewer, a generator and a metric need. Readers fill it;
// nothing here reads files.

/** One image, multi-frame image, volume or DICOM series: frames x rows x columns x channels. */
export interface ImageVolume {
  /** A stable id inside the set (a series' position, a file name); never copied into synthetic outputs. */
  readonly id: string;
  readonly frames: number;
  readonly rows: number;
  readonly columns: number;
  /** 1 = grey, 3 = RGB (channels interleaved per pixel). */
  readonly channels: 1 | 3;
  /**
   * Modality values (after rescale slope/intercept or scl_slope/scl_inter; RGB 0..255 or the stored
   * range), index ((frame * rows + row) * columns + column) * channels + channel.
   */
  readonly data: Float32Array;
  /**
   * How to show grey values: 'MONOCHROME2' (higher = brighter). A MONOCHROME1 source keeps its
   * values and says 'MONOCHROME1' so viewers invert the display, not the data.
   */
  readonly photometric: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  /** Physical size of a pixel in mm (row spacing, column spacing) and between frames/slices, when known. */
  readonly spacing?: { readonly row: number; readonly column: number; readonly slice?: number };
  /** Window presets (DICOM VOI window center/width, or a computed default). */
  readonly windows: readonly { readonly center: number; readonly width: number; readonly name?: string }[];
  /** Units of the values when known ('HU' for CT, ...). */
  readonly units?: string;
  /** Files this volume was read from (paths as given to the reader). */
  readonly sourceFiles: readonly string[];
  /** Format-specific facts worth showing (modality, transfer syntax, NIfTI datatype, bit depth...). */
  readonly metadata: Readonly<Record<string, string | number>>;
}

export interface ImageSet {
  readonly modality: 'image';
  readonly images: readonly ImageVolume[];
}

/** Number of values a volume holds, computed without overflow (for limit checks). */
export function volumeValueCount(frames: number, rows: number, columns: number, channels: number): number {
  return frames * rows * columns * channels;
}
