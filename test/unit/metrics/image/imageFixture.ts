// The numpy/scikit-learn reference values and feature matrices of the image metrics
// (test/fixtures/metrics/image/image_metrics.json, made by test/reference/image_metrics_reference.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureMatrix } from '../../../../src/core/metrics/image/imageMetric';

/* eslint-disable @typescript-eslint/no-explicit-any */
export const IMAGE_REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/metrics/image/image_metrics.json'), 'utf8')) as any;
export const IMAGE_DIMS: number = IMAGE_REF.features.dims;

/** One of the fixture's feature sets: real, synth, holdout, leaky. */
export function fixtureFeatures(name: string): FeatureMatrix {
  const data = Float32Array.from(IMAGE_REF.features[name] as number[]);
  return { data, rows: data.length / IMAGE_DIMS, dims: IMAGE_DIMS };
}
