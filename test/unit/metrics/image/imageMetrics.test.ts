// The image metrics against test/reference/image_metrics_reference.py
// (test/fixtures/metrics/image/image_metrics.json): FID against scipy.linalg.sqrtm, PRDC and MMD written
// from their papers on sklearn pairwise distances / rbf_kernel, DCR/NNDR against sklearn
// NearestNeighbors, SSIM against skimage.metrics.structural_similarity, MS-SSIM written from Wang et
// al. 2003 with scipy.signal.correlate2d. Plus known answers (copies) and bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../../src/core/errors';
import { computeDiversityMsssim, imagePairs, MSSSIM_PAIRS } from '../../../../src/core/metrics/image/diversityMsssim';
import { frechetDistance } from '../../../../src/core/metrics/image/fid';
import { computeImageDcr } from '../../../../src/core/metrics/image/imageDcr';
import type { FeatureMatrix, GreyImage, ImageMetricInput } from '../../../../src/core/metrics/image/imageMetric';
import { computeImageNndr } from '../../../../src/core/metrics/image/imageNndr';
import { evaluateImageMetrics, IMAGE_METRICS } from '../../../../src/core/metrics/image/imageMetrics';
import { maximumMeanDiscrepancy } from '../../../../src/core/metrics/image/mmd';
import { multiScaleSsim, msssimScales } from '../../../../src/core/metrics/image/msssim';
import { computeNearDuplicates } from '../../../../src/core/metrics/image/nearDuplicates';
import { precisionRecallDensityCoverage } from '../../../../src/core/metrics/image/prdc';
import { structuralSimilarity } from '../../../../src/core/metrics/image/ssim';
import { fixtureFeatures, IMAGE_DIMS, IMAGE_REF } from './imageFixture';

const ref = IMAGE_REF;
const dims = IMAGE_DIMS;
const features = fixtureFeatures;
const real = features('real');
const synth = features('synth');
const holdout = features('holdout');
const leaky = features('leaky');
const image = (e: { rows: number; columns: number; base64: string }): GreyImage => ({
  rows: e.rows,
  columns: e.columns,
  data: Float64Array.from(Buffer.from(e.base64, 'base64')),
});
const ssimImages: GreyImage[] = ref.images.ssim.map(image);
const bigImages: GreyImage[] = ref.images.big.map(image);
const smallImages: GreyImage[] = ref.images.small.map(image);

const close = (got: number, want: number, rel: number, what: string, abs = 0): void =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want) + abs, `${what}: ${got} vs reference ${want}`);
const isCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof MedSynthError && e.code === code && (!re || re.test(e.message));

describe('fidelity.fid', () => {
  it('equals the scipy.linalg.sqrtm form within 1e-6 relative', async () => {
    close((await frechetDistance(real, synth)).fid, ref.fid.independent, 1e-6, 'independent');
    close((await frechetDistance(real, leaky)).fid, ref.fid.leaky, 1e-6, 'leaky');
    close((await frechetDistance(real, holdout)).fid, ref.fid.realHoldout, 1e-6, 'real vs holdout');
  });

  it('equals the sqrtm form when the real covariance is singular (fewer rows than dims; a constant feature)', async () => {
    const rows = (m: FeatureMatrix, n: number): FeatureMatrix => ({ data: m.data.slice(0, n * dims), rows: n, dims });
    close((await frechetDistance(rows(real, 10), rows(synth, 12))).fid, ref.fidSingular.fewRows, 1e-6, 'fewer rows than dims');
    const constant = Float32Array.from(real.data);
    for (let r = 0; r < real.rows; r++) constant[r * dims] = 1.5;
    close((await frechetDistance({ ...real, data: constant }, synth)).fid, ref.fidSingular.constantFeature, 1e-6, 'a constant feature');
  });

  it('is 0 for a copy of the real set', async () => {
    assert.ok((await frechetDistance(real, { ...real, data: Float32Array.from(real.data) })).fid < 1e-9);
  });

  it('refuses mismatched dims, fewer than 2 rows and NaN with BAD_INPUT', async () => {
    await assert.rejects(frechetDistance(real, { data: new Float32Array(30), rows: 10, dims: 3 }), isCode('BAD_INPUT', /16 dims.*3/));
    await assert.rejects(frechetDistance(real, { data: synth.data.subarray(0, dims), rows: 1, dims }), isCode('BAD_INPUT', /at least 2/));
    const nan = Float32Array.from(synth.data);
    nan[dims + 2] = Number.NaN;
    await assert.rejects(frechetDistance(real, { ...synth, data: nan }), isCode('BAD_INPUT', /row 1, dimension 2 is NaN/));
  });
});

describe('fidelity.prdc', () => {
  it('matches the prdc definition on sklearn distances (k = 5 and 3)', async () => {
    for (const [name, s, k] of [
      ['independent', synth, 5],
      ['leaky', leaky, 5],
      ['k3', synth, 3],
    ] as const) {
      const got = await precisionRecallDensityCoverage(real, s, k);
      for (const key of ['precision', 'recall', 'density', 'coverage'] as const)
        close(got[key], ref.prdc[name][key], 1e-12, `${name} ${key}`);
    }
  });

  it('a copy of the real set covers it fully', async () => {
    const got = await precisionRecallDensityCoverage(real, { ...real, data: Float32Array.from(real.data) });
    assert.equal(got.coverage, 1);
    assert.equal(got.precision, 1);
    assert.equal(got.recall, 1);
  });

  it('needs more than k rows on each side', async () => {
    await assert.rejects(
      precisionRecallDensityCoverage(real, { data: synth.data.subarray(0, 5 * dims), rows: 5, dims }),
      isCode('BAD_INPUT', /at least 6/),
    );
  });
});

describe('fidelity.mmd', () => {
  it('unbiased MMD² and median bandwidth as the numpy/sklearn reference', async () => {
    for (const [name, s] of [
      ['independent', synth],
      ['leaky', leaky],
    ] as const) {
      const got = await maximumMeanDiscrepancy(real, s);
      close(got.bandwidth, ref.mmd[name].bandwidth, 1e-12, `${name} bandwidth`);
      close(got.mmd2, ref.mmd[name].mmd2, 1e-9, `${name} mmd2`, 1e-15);
    }
  });
});

describe('privacy.dcr / privacy.nndr on features', () => {
  it('match sklearn NearestNeighbors, holdout share and baseline included', async () => {
    const input: ImageMetricInput = { real, synth, holdout };
    const dcr = await computeImageDcr(input);
    const r = ref.privacy.dcr;
    for (const key of ['median', 'p05', 'mean', 'shareCloserToTrain'] as const)
      close(dcr.details[key] as number, r[key], 1e-9, `dcr ${key}`);
    const base = dcr.details.baseline as Record<string, number>;
    for (const key of ['median', 'p05', 'mean', 'rows'] as const) close(base[key], r.baseline[key], 1e-9, `dcr baseline ${key}`);
    assert.deepEqual((dcr.details.histogram as { counts: number[] }).counts, r.counts);
    assert.deepEqual((dcr.details.holdoutHistogram as { counts: number[] }).counts, r.holdoutCounts);
    assert.equal(dcr.score, dcr.details.median);
    const nndr = await computeImageNndr(input);
    for (const key of ['median', 'p05', 'mean'] as const) close(nndr.details[key] as number, ref.privacy.nndr[key], 1e-9, `nndr ${key}`);
    close((nndr.details.baseline as Record<string, number>).median, ref.privacy.nndr.baseline.median, 1e-9, 'nndr baseline');
  });

  it('a copy of the real set has DCR 0', async () => {
    const dcr = await computeImageDcr({ real, synth: { ...real, data: Float32Array.from(real.data) } });
    assert.equal(dcr.score, 0);
    assert.equal(dcr.details.mean, 0);
  });
});

describe('privacy.nearDuplicates', () => {
  it('threshold and count as the sklearn reference', async () => {
    for (const [name, s] of [
      ['leaky', leaky],
      ['independent', synth],
    ] as const) {
      const got = await computeNearDuplicates({ real, synth: s });
      close(got.details.threshold as number, ref.nearDuplicates[name].threshold, 1e-9, `${name} threshold`);
      assert.equal(got.details.nearDuplicates, ref.nearDuplicates[name].nearDuplicates, name);
      assert.equal(got.details.pixelIdentical, null);
    }
  });

  it('flags every image of a copied set, pixel-identical ones counted, closest pairs listed', async () => {
    const images = smallImages.slice(0, 4);
    const f: FeatureMatrix = { data: real.data.subarray(0, 4 * dims), rows: 4, dims };
    const got = await computeNearDuplicates({
      real: f,
      synth: f,
      realImages: images,
      synthImages: [images[2], images[0], images[3], images[1]],
    });
    assert.equal(got.score, 1);
    assert.equal(got.details.pixelIdentical, 4);
    assert.equal(got.details.nearDuplicates, 4);
    const pairs = got.details.pairs as { synth: number; real: number; distance: number }[];
    assert.equal(pairs.length, 4);
    assert.deepEqual(pairs[0], { synth: 0, real: 0, distance: 0 });
  });
});

describe('SSIM and MS-SSIM', () => {
  it('SSIM equals skimage.metrics.structural_similarity within 1e-4', () => {
    for (const c of ref.ssim)
      close(structuralSimilarity(ssimImages[c.a], ssimImages[c.b], c.dataRange), c.value, 0, `ssim ${c.a},${c.b}`, 1e-4);
  });

  it('MS-SSIM equals the numpy implementation of Wang et al. 2003', () => {
    close(multiScaleSsim(bigImages[0], bigImages[1], 255), ref.msssim.big, 1e-9, 'big (5 scales)');
    close(multiScaleSsim(bigImages[0], bigImages[0], 255), 1, 1e-12, 'same image');
    close(multiScaleSsim(smallImages[0], smallImages[1], 255), ref.msssim.small, 1e-9, '48 x 48 (3 scales)');
    close(multiScaleSsim(ssimImages[0], ssimImages[1], 255), ref.msssim.ssimSizedPair, 1e-9, '40 x 52 (2 scales)');
    assert.equal(msssimScales(180, 184), 5);
    assert.equal(msssimScales(48, 48), 3);
  });

  it('refuses images below the window and pairs of different sizes', () => {
    const tiny: GreyImage = { rows: 6, columns: 6, data: new Float64Array(36) };
    assert.throws(() => structuralSimilarity(tiny, tiny, 1), isCode('BAD_INPUT', /7 x 7/));
    assert.throws(() => multiScaleSsim(ssimImages[0], bigImages[0], 255), isCode('BAD_INPUT', /one size/));
    assert.throws(() => multiScaleSsim(bigImages[0], bigImages[1], 0), isCode('BAD_INPUT', /data range/));
  });
});

describe('diversity.msssim', () => {
  it('keeps MSSSIM_PAIRS values per set when there are more pairs, one per seeded pair in order', async () => {
    // 26 images (the 13 twice): 325 pairs, so MSSSIM_PAIRS seeded ones; a pair of an image and its copy is 1.
    const images = [...smallImages, ...smallImages];
    const got = await computeDiversityMsssim({
      real,
      synth,
      synthImages: images,
      realImages: images.slice(0, 13),
      dataRange: 255,
      seed: 3,
    });
    const values = got.details.synthPairValues as number[];
    assert.equal(values.length, MSSSIM_PAIRS);
    assert.equal((got.details.realPairValues as number[]).length, 78);
    const pairs = imagePairs(26, 3);
    pairs.forEach(([i, j], t) => {
      if (i % 13 === j % 13) assert.equal(values[t], 1, `pair ${t}: ${i} and its copy ${j}`);
    });
    const t = pairs.findIndex(([i, j]) => i % 13 !== j % 13);
    const [i, j] = pairs[t];
    close(values[t], multiScaleSsim(images[i], images[j], 255), 0, `pair ${t}`);
  });

  it('pairs follow the documented seeded definition', () => {
    assert.deepEqual(imagePairs(30, 7), ref.pairs.n30seed7);
    assert.deepEqual(imagePairs(5, 0), ref.pairs.n5seed0);
    assert.deepEqual(imagePairs(1000, 4294967295), ref.pairs.n1000seed4294967295);
  });

  it('means over all pairs as the reference; a collapsed generator scores 0', async () => {
    const got = await computeDiversityMsssim({
      real,
      synth,
      synthImages: smallImages.slice(0, 6),
      realImages: smallImages.slice(6),
      dataRange: 255,
    });
    close(got.details.synthetic as number, ref.diversity.synthetic, 1e-9, 'synthetic');
    close(got.details.real as number, ref.diversity.real, 1e-9, 'real');
    close(got.score ?? NaN, ref.diversity.score, 1e-9, 'score');
    // Each pair's MS-SSIM, in pair order, as the reference's; their means are the two means above.
    for (const [key, mean] of [
      ['synthPairValues', 'synthetic'],
      ['realPairValues', 'real'],
    ] as const) {
      const values = got.details[key] as number[];
      const want = ref.diversity[key] as number[];
      assert.equal(values.length, want.length, key);
      values.forEach((v, t) => close(v, want[t], 1e-9, `${key}[${t}]`));
      close(values.reduce((a, v) => a + v, 0) / values.length, got.details[mean] as number, 1e-12, `${key} mean`);
    }
    assert.deepEqual(got.details.pairs, { synthetic: 15, real: 21 });
    const collapsed = await computeDiversityMsssim({
      real,
      synth,
      synthImages: [smallImages[0], smallImages[0], smallImages[0]],
      realImages: smallImages.slice(6),
      dataRange: 255,
    });
    assert.equal(collapsed.score, 0);
    assert.deepEqual(collapsed.details.synthPairValues, [1, 1, 1]);
    const none = await computeDiversityMsssim({ real, synth });
    assert.equal(none.score, null);
    assert.ok(none.notApplicable);
  });
});

describe('evaluateImageMetrics', () => {
  it('runs every metric, adds the embedder to feature metrics, turns a failure into an error', async () => {
    const embedder = { name: 'test-embedder', sha256: 'ab'.repeat(32) };
    const results = await evaluateImageMetrics({ real, synth, holdout, embedder });
    assert.deepEqual(
      results.map((r) => r.id),
      IMAGE_METRICS.map((m) => m.id),
    );
    for (const r of results) {
      const m = IMAGE_METRICS.find((x) => x.id === r.id)!;
      if (m.usesFeatures) assert.deepEqual(r.details.embedder, embedder, r.id);
      assert.equal(r.error, undefined, r.id);
    }
    const bad = await evaluateImageMetrics({ real, synth: { data: new Float32Array(4), rows: 2, dims: 2 } }, ['fidelity.fid']);
    assert.equal(bad[0].score, null);
    assert.match(bad[0].error ?? '', /16 dims/);
  });

  it('unknown ids are BAD_USAGE before anything runs; an abort is CANCELLED', async () => {
    await assert.rejects(evaluateImageMetrics({ real, synth }, ['fidelity.fid', 'fidelity.nope']), isCode('BAD_USAGE', /fidelity\.nope/));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(evaluateImageMetrics({ real, synth }, undefined, ac.signal), isCode('CANCELLED'));
  });
});
