// The flags that tune a built-in fitter (fit and run): for images, PPCA's common frame size cap, the
// share of the variance its components keep and their number. They reach the fitter as
// FitContext.settings; a fitter ignores names it does not know (the copula takes none).
import { MedSynthError } from '../core/errors';

/** The built-in image generator's tuning flags: the common frame size cap, the variance kept, the components. */
export const FITTER_OPTIONS = {
  'image-size': { type: 'string' },
  variance: { type: 'string' },
  'max-components': { type: 'string' },
} as const;

export const FITTER_HELP =
  '  Images (ppca): --image-size N (longest side of the common frame size, default 128), --variance F (share of the\n  variance the components keep, default 0.95), --max-components N (default 256).\n';

/** FitContext.settings from the tuning flags given; BAD_USAGE for a value that is not a number in range. */
export function fitterSettings(args: { strings: ReadonlyMap<string, string> }, command: string): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  const size = args.strings.get('image-size');
  if (size !== undefined) {
    if (!/^\d+$/.test(size) || Number(size) < 2 || Number(size) > 1024)
      throw new MedSynthError('BAD_USAGE', `${command}: --image-size must be a whole number from 2 to 1024, got '${size}'`);
    out.sizeCap = Number(size);
  }
  const variance = args.strings.get('variance');
  if (variance !== undefined) {
    const v = Number(variance);
    if (!/^(?:0?\.\d+|\d+(?:\.\d*)?)$/.test(variance) || !(v > 0 && v < 1))
      throw new MedSynthError('BAD_USAGE', `${command}: --variance must be a number greater than 0 and less than 1, got '${variance}'`);
    out.varianceKept = v;
  }
  const components = args.strings.get('max-components');
  if (components !== undefined) {
    if (!/^\d+$/.test(components) || Number(components) < 1 || Number(components) > 2048)
      throw new MedSynthError('BAD_USAGE', `${command}: --max-components must be a whole number from 1 to 2048, got '${components}'`);
    out.maxComponents = Number(components);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
