// The fitter tuning flags of fit and run (--image-size, --variance, --max-components): parsed into
// FitContext.settings, refused with the flag named when out of range, and reaching PPCA: a 16-pixel
// cap on nibabel's 41 x 33 slices gives 16 x 13 frames (aspect kept), and --variance 0.8 keeps fewer
// components than the default 0.95.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fitterSettings } from '../../../src/cli/fitterOptions';
import { MedSynthError } from '../../../src/core/errors';
import { fitGenerator } from '../../../src/engine/fit';

const ANATOMICAL = join(__dirname, '..', '..', 'fixtures', 'images', 'anatomical.nii');
const args = (entries: [string, string][]) => ({ strings: new Map(entries) });

describe('fitter tuning flags', () => {
  it('parses the three flags into settings, and none into undefined', () => {
    assert.deepEqual(
      fitterSettings(
        args([
          ['image-size', '64'],
          ['variance', '0.9'],
          ['max-components', '10'],
        ]),
        'fit',
      ),
      {
        sizeCap: 64,
        varianceKept: 0.9,
        maxComponents: 10,
      },
    );
    assert.equal(fitterSettings(args([]), 'fit'), undefined);
  });

  it('refuses values out of range, naming the flag', () => {
    for (const [flag, value] of [
      ['image-size', '1'],
      ['image-size', '12.5'],
      ['variance', '1'],
      ['variance', '0'],
      ['variance', 'most'],
      ['max-components', '0'],
    ] as const) {
      assert.throws(
        () => fitterSettings(args([[flag, value]]), 'run'),
        (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && e.message.includes(`run: --${flag}`),
        `${flag} ${value}`,
      );
    }
  });

  it('reach PPCA: the size cap and the variance kept', async () => {
    const work = mkdtempSync(join(tmpdir(), 'medsynth-fitter-flags-'));
    await fitGenerator({ dataset: ANATOMICAL, outDir: join(work, 'small'), settings: { sizeCap: 16, varianceKept: 0.8 } });
    await fitGenerator({ dataset: ANATOMICAL, outDir: join(work, 'default') });
    const small = JSON.parse(readFileSync(join(work, 'small', 'medsynth.json'), 'utf8')).postprocess;
    const full = JSON.parse(readFileSync(join(work, 'default', 'medsynth.json'), 'utf8')).postprocess;
    assert.deepEqual([small.rows, small.columns], [16, 13]);
    assert.deepEqual([full.rows, full.columns], [41, 33]);
    assert.equal(small.ppca.varianceKept, 0.8);
    assert.ok(small.ppca.components < full.ppca.components, `${small.ppca.components} < ${full.ppca.components}`);
  });
});
