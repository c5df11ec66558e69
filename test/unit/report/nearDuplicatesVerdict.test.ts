// The verdict's near-duplicate line for image reports: a pixel copy of a real image is always a
// finding; a share of near copies in feature space is judged against chance (about 1%, since the
// threshold is the real set's 1st percentile of nearest-neighbour distances) only with 100 or more
// real and synthetic images, where that percentile means something.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../../../src/core/report/model';
import { reportVerdict } from '../../../src/core/report/verdict';
import { nearDuplicatesMetric } from '../../../src/core/metrics/image/nearDuplicates';

function report(score: number, pixelIdentical: number | null, synthCount: number, realRows: number): Report {
  const d = nearDuplicatesMetric;
  return {
    schema: 'medsynth.report/1',
    modality: 'image',
    createdAt: '2026-12-02T00:00:00Z',
    real: { rows: realRows },
    synth: { rows: synthCount },
    metrics: [
      {
        id: d.id,
        score,
        details: { pixelIdentical, nearDuplicates: Math.round(score * synthCount), synthCount, threshold: 0.1, pairs: [] },
        descriptor: { id: d.id, title: d.title, modality: d.modality, goal: d.goal, range: d.range, doc: d.doc, reference: d.reference },
      },
    ],
    columns: [],
  };
}

const privacy = (r: Report) => reportVerdict(r).filter((l) => l.topic === 'privacy');

describe('near-duplicate verdict', () => {
  it('calls pixel copies poor whatever the sample size', () => {
    const [line] = privacy(report(0.2, 2, 10, 10));
    assert.equal(line.level, 'poor');
    assert.match(line.text, /^2 of 10 synthetic images are pixel for pixel a real image/);
  });

  it('judges the share of near copies against chance with 100+ images', () => {
    assert.equal(privacy(report(0.06, 0, 200, 150))[0].level, 'poor');
    assert.match(privacy(report(0.06, 0, 200, 150))[0].text, /^6\.0% of synthetic images/);
    assert.equal(privacy(report(0.03, 0, 200, 150))[0].level, 'fair');
    // At or below 2% there is nothing to say beyond the other privacy lines.
    assert.deepEqual(
      privacy(report(0.02, 0, 200, 150)).map((l) => l.level),
      ['unknown'],
    );
  });

  it('does not judge a share on fewer than 100 real images', () => {
    assert.deepEqual(
      privacy(report(0.5, 0, 200, 99)).map((l) => l.level),
      ['unknown'],
    );
    assert.deepEqual(
      privacy(report(0.5, null, 50, 200)).map((l) => l.level),
      ['unknown'],
    );
  });
});
