// Compare Runs' better/worse/≈ decision (src/core/report/scoreDelta.ts), on hand-worked cases: two 95%
// intervals that overlap (ends included) are within noise; without an interval on either side the point
// delta decides, as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReportMetric } from '../../../src/core/report/model';
import { deltaKindMark, intervalsOverlap, metricDeltaKind, scoreDeltaKind } from '../../../src/core/report/scoreDelta';
import { compareRunsMarkdown, deltaMark } from '../../../src/host/runCompare';
import type { RunSummary } from '../../../src/host/runSummary';
import type { Report } from '../../../src/core/report/model';

const metric = (score: number | null, ci95?: unknown): ReportMetric =>
  ({ id: 'fidelity.ks', score, details: ci95 === undefined ? {} : { ci95 } }) as unknown as ReportMetric;

describe('score delta', () => {
  it('overlap of closed intervals: shared points, touching ends, disjoint, either order', () => {
    assert.equal(intervalsOverlap([0.75, 0.85], [0.78, 0.88]), true);
    assert.equal(intervalsOverlap([0.7, 0.8], [0.8, 0.9]), true, 'touching at 0.8');
    assert.equal(intervalsOverlap([0.7, 0.8], [0.8001, 0.9]), false);
    assert.equal(intervalsOverlap([0.85, 0.75], [0.9, 0.8]), true, 'ends in either order');
    assert.equal(intervalsOverlap([0.1, 0.9], [0.4, 0.5]), true, 'one inside the other');
  });

  it('marks overlapping intervals within noise, whatever the sign', () => {
    // 0.83 − 0.80 = +0.03 on a maximised metric would be better; [0.75, 0.85] and [0.78, 0.88] overlap.
    assert.equal(scoreDeltaKind({ score: 0.8, ci95: [0.75, 0.85] }, { score: 0.83, ci95: [0.78, 0.88] }, 'maximize'), 'withinNoise');
    assert.equal(scoreDeltaKind({ score: 0.83, ci95: [0.78, 0.88] }, { score: 0.8, ci95: [0.75, 0.85] }, 'maximize'), 'withinNoise');
    // Touching ends: 0.75 in [0.70, 0.80] against 0.85 in [0.80, 0.90].
    assert.equal(scoreDeltaKind({ score: 0.75, ci95: [0.7, 0.8] }, { score: 0.85, ci95: [0.8, 0.9] }, 'maximize'), 'withinNoise');
    assert.equal(deltaKindMark('withinNoise'), '≈ within noise');
  });

  it('marks disjoint intervals by the sign of B − A and the goal', () => {
    assert.equal(scoreDeltaKind({ score: 0.75, ci95: [0.7, 0.8] }, { score: 0.85, ci95: [0.8001, 0.9] }, 'maximize'), 'better');
    assert.equal(scoreDeltaKind({ score: 0.8, ci95: [0.78, 0.82] }, { score: 0.86, ci95: [0.84, 0.88] }, 'minimize'), 'worse');
    // Minimised: 0.02 in [0.01, 0.03] to 0.05 in [0.04, 0.06] is worse; the other way better.
    assert.equal(scoreDeltaKind({ score: 0.02, ci95: [0.01, 0.03] }, { score: 0.05, ci95: [0.04, 0.06] }, 'minimize'), 'worse');
    assert.equal(scoreDeltaKind({ score: 0.05, ci95: [0.04, 0.06] }, { score: 0.02, ci95: [0.01, 0.03] }, 'minimize'), 'better');
  });

  it('keeps the point-delta rule when either side has no interval', () => {
    assert.equal(scoreDeltaKind({ score: 0.8, ci95: [0.75, 0.85] }, { score: 0.83 }, 'maximize'), 'better');
    assert.equal(scoreDeltaKind({ score: 0.8 }, { score: 0.83, ci95: [0.78, 0.88] }, 'maximize'), 'better');
    assert.equal(scoreDeltaKind({ score: 0.8 }, { score: 0.83 }, 'minimize'), 'worse');
    // The exported point-only deltaMark is unchanged.
    assert.equal(deltaMark(0.03, 'maximize'), '▲ better');
    assert.equal(deltaMark(-0.15, 'maximize'), '▼ worse');
    assert.equal(deltaMark(0.0004, 'minimize'), '=');
  });

  it('calls a difference under 5e-4 unchanged, intervals or not', () => {
    assert.equal(scoreDeltaKind({ score: 0.8, ci95: [0.7, 0.9] }, { score: 0.8003, ci95: [0.7, 0.9] }, 'maximize'), 'unchanged');
    assert.equal(deltaKindMark('unchanged'), '=');
  });

  it('reads details.ci95 from report metrics; a malformed interval counts as none; no score, nothing to compare', () => {
    assert.equal(metricDeltaKind(metric(0.8, [0.75, 0.85]), metric(0.83, [0.78, 0.88]), 'maximize'), 'withinNoise');
    assert.equal(metricDeltaKind(metric(0.8, ['0.75', 0.85]), metric(0.83, [0.78, 0.88]), 'maximize'), 'better');
    assert.equal(metricDeltaKind(metric(0.8, [0.75]), metric(0.83, [0.78, 0.88]), 'maximize'), 'better');
    assert.equal(metricDeltaKind(metric(null), metric(0.83), 'maximize'), undefined);
    assert.equal(metricDeltaKind(undefined, metric(0.83), 'maximize'), undefined);
  });

  it('Compare Runs shows ≈ within noise for overlapping intervals and better/worse otherwise', () => {
    const ks = (score: number, ci95?: [number, number]): ReportMetric =>
      ({
        id: 'fidelity.ks',
        score,
        details: ci95 ? { ci95 } : {},
        descriptor: {
          id: 'fidelity.ks',
          title: 'KS complement',
          modality: 'table',
          goal: 'maximize',
          range: [0, 1],
          doc: '',
          reference: '',
        },
      }) as unknown as ReportMetric;
    const tv = (score: number): ReportMetric =>
      ({
        id: 'fidelity.tv',
        score,
        details: {},
        descriptor: {
          id: 'fidelity.tv',
          title: 'TV complement',
          modality: 'table',
          goal: 'maximize',
          range: [0, 1],
          doc: '',
          reference: '',
        },
      }) as unknown as ReportMetric;
    const run = (id: string, metrics: ReportMetric[]): RunSummary => ({
      dir: `/runs/${id}`,
      id,
      modality: 'table',
      contents: 'report',
      report: { modality: 'table', metrics, real: { rows: 400 }, synth: { rows: 400 } } as unknown as Report,
    });
    // KS: 0.800 in [0.750, 0.850] vs 0.830 in [0.780, 0.880]: overlap. TV: no intervals, +0.030: better.
    const md = compareRunsMarkdown(run('a', [ks(0.8, [0.75, 0.85]), tv(0.8)]), run('b', [ks(0.83, [0.78, 0.88]), tv(0.83)]));
    assert.ok(md.includes('| KS complement | 0.800 | 0.830 | +0.030 | ≈ within noise |'), md);
    assert.ok(md.includes('| TV complement | 0.800 | 0.830 | +0.030 | ▲ better |'), md);
    assert.match(md, /≈ within noise: both runs' 95% intervals overlap/);
  });
});
