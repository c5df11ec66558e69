// The fuzz targets for the image, signal and text parsers, one file each (see ../targetSpec.ts).
// Add a target by importing its spec and listing it here.
import type { FuzzTargetSpec } from '../targetSpec';

export const SPEC_TARGETS: readonly FuzzTargetSpec[] = [];
