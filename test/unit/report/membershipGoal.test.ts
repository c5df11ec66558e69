// What the report says is a good value of privacy.membershipInference: the attack's own AUC (0.5 is
// chance) and its true-positive rate at 1% false positives, or, without a holdout, what it needs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { membershipInferenceMetric } from '../../../src/core/metrics/membershipInference';
import type { ReportMetric } from '../../../src/core/report/model';
import { goalText } from '../../../src/core/report/reportText';

function metric(details: Record<string, unknown>, score: number | null): ReportMetric {
  const d = membershipInferenceMetric;
  return {
    id: d.id,
    score,
    details,
    descriptor: { id: d.id, title: d.title, modality: d.modality, goal: d.goal, range: d.range, doc: d.doc, reference: d.reference },
  };
}

describe('membership inference goal text', () => {
  it('names the AUC against chance and the TPR at 1% false positives', () => {
    assert.equal(
      goalText(metric({ auc: 0.6, tprAtFpr: { '0.01': 0.05, '0.1': 0.2 } }, 0.8)),
      'good: 1 (attack AUC 0.6, 0.5 = chance; 0.05 of training rows found at 1% false positives)',
    );
  });

  it('says a holdout is needed when the attack could not run', () => {
    assert.equal(goalText(metric({}, null)), 'good: 1 (the attack does no better than chance); needs a holdout');
  });
});
