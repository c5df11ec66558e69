// What `medsynth inspect` and the host show about an image or signal dataset: shapes, geometry,
// value ranges and annotations. Nothing identifying is copied here (readers keep no patient fields).

import type { ImageSet } from './imageSet';
import type { SignalSet } from './signalSet';

/**
 * Minimum, maximum and mean of the values present, and how many are missing (NaN). Not the display
 * range of raster/valueWindows.ts, which skips infinities to place a window.
 */
export interface ValueStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Samples that are NaN (missing/invalid). */
  readonly missing: number;
}

export function valueStats(values: Float32Array): ValueStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n === 0 ? { min: NaN, max: NaN, mean: NaN, missing: values.length } : { min, max, mean: sum / n, missing: values.length - n };
}

export function describeImageSet(set: ImageSet): Record<string, unknown> {
  return {
    modality: 'image',
    images: set.images.map((im) => ({
      id: im.id,
      shape: [im.frames, im.rows, im.columns, im.channels],
      photometric: im.photometric,
      spacing: im.spacing,
      units: im.units,
      windows: im.windows,
      values: valueStats(im.data),
      files: im.sourceFiles.length,
      metadata: im.metadata,
    })),
  };
}

export function describeSignalSet(set: SignalSet): Record<string, unknown> {
  return {
    modality: 'signal',
    records: set.records.map((r) => ({
      id: r.id,
      startTime: r.startTime,
      channels: r.channels.map((c) => ({
        name: c.name,
        units: c.units,
        sampleRate: c.sampleRate,
        samples: c.data.length,
        seconds: c.sampleRate > 0 ? c.data.length / c.sampleRate : undefined,
        values: valueStats(c.data),
      })),
      annotations: r.annotations.length,
      annotationLabels: countLabels(r.annotations.map((a) => a.label)),
      files: r.sourceFiles.length,
      metadata: r.metadata,
    })),
  };
}

function countLabels(labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}
