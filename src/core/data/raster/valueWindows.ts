// Default display windows for images whose format carries none (PNG, JPEG, most NIfTI): the full
// range the values actually take, ignoring NaN and infinities (a float NIfTI may hold them).

export interface DisplayWindow {
  readonly center: number;
  readonly width: number;
  readonly name?: string;
}

export function valueRange(data: Float32Array): { min: number; max: number } | undefined {
  const r = new RangeAccumulator();
  r.addAll(data, 0, data.length);
  return r.range();
}

/**
 * valueRange computed piece by piece, in order (a reader can fold it into the loop that writes the
 * values, or run it on each piece while the piece is still in cache). Same result as one scan: the
 * first value of the smallest (largest) class is kept, so -0 / +0 come out as a single scan gives them.
 */
export class RangeAccumulator {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** Adds data[from .. to). */
  addAll(data: Float32Array, from: number, to: number): void {
    let min = this.min;
    let max = this.max;
    for (let i = from; i < to; i++) {
      const v = data[i];
      if (v < min && v !== Number.NEGATIVE_INFINITY) min = v;
      if (v > max && v !== Number.POSITIVE_INFINITY) max = v;
    }
    this.min = min;
    this.max = max;
  }

  /** Adds the minimum and maximum a piece found with the same comparisons (its first min, first max). */
  addRange(min: number, max: number): void {
    if (min < this.min && min !== Number.NEGATIVE_INFINITY) this.min = min;
    if (max > this.max && max !== Number.POSITIVE_INFINITY) this.max = max;
  }

  range(): { min: number; max: number } | undefined {
    return this.min <= this.max ? { min: this.min, max: this.max } : undefined;
  }
}

/** A window spanning min..max (width at least 1, so a constant image still displays). */
export function rangeWindow(data: Float32Array, name = 'min-max'): DisplayWindow[] {
  return rangeWindowOf(valueRange(data), name);
}

/** rangeWindow from a range already computed (valueRange or a RangeAccumulator). */
export function rangeWindowOf(r: { min: number; max: number } | undefined, name = 'min-max'): DisplayWindow[] {
  if (!r) return [];
  return [{ center: (r.min + r.max) / 2, width: Math.max(r.max - r.min, 1), name }];
}
