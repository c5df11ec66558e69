// Default display windows for images whose format carries none (PNG, JPEG, most NIfTI): the full
// range the values actually take, ignoring NaN and infinities (a float NIfTI may hold them).

export interface DisplayWindow {
  readonly center: number;
  readonly width: number;
  readonly name?: string;
}

export function valueRange(data: Float32Array): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min && v !== Number.NEGATIVE_INFINITY) min = v;
    if (v > max && v !== Number.POSITIVE_INFINITY) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

/** A window spanning min..max (width at least 1, so a constant image still displays). */
export function rangeWindow(data: Float32Array, name = 'min-max'): DisplayWindow[] {
  const r = valueRange(data);
  if (!r) return [];
  return [{ center: (r.min + r.max) / 2, width: Math.max(r.max - r.min, 1), name }];
}
