// What every view of a report tells a reader: the compared tables in plain words with their hashes,
// the run id and version, what a good DCR is (the holdout baseline, not "higher is better"), and how
// many rows or columns a score left out. Expected strings are written out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvaluationSummary } from '../../../src/cli/summary';
import { getTableMetric, TABLE_METRICS } from '../../../src/core/metrics/registry';
import type { MetricResult } from '../../../src/core/metrics/types';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import type { Report } from '../../../src/core/report/model';
import { goalText, provenanceEntries, realHeadline } from '../../../src/core/report/reportText';

const SOURCE_HASH = '0123456789abcdef'.repeat(4);
const SYNTH_HASH = 'fedcba9876543210'.repeat(4);

function report(metrics: MetricResult[], holdout = true): Report {
  return {
    schema: 'medsynth.report/1',
    modality: 'table',
    createdAt: '2026-12-02T07:00:00Z',
    runId: '20261202-070000-ab12',
    medsynthVersion: '0.1.0',
    real: {
      file: 'data/patients.csv (training part: 400 of 500 rows, seed 42)',
      rows: 400,
      sha256: SOURCE_HASH,
      part: { source: 'data/patients.csv', role: 'training', sourceRows: 500, seed: 42 },
    },
    synth: { file: 'synthetic.csv', rows: 500, sha256: SYNTH_HASH },
    ...(holdout
      ? {
          holdout: {
            file: 'data/patients.csv (holdout part: 100 of 500 rows, seed 42)',
            rows: 100,
            sha256: SOURCE_HASH,
            part: { source: 'data/patients.csv', role: 'holdout' as const, sourceRows: 500, seed: 42 },
          },
        }
      : {}),
    metrics: metrics.map((m) => ({ ...m, descriptor: getTableMetric(m.id) ?? assert.fail(m.id) })),
    columns: [],
    dcrHistogram: { edges: [0, 0.5, 1], counts: [400, 100] },
  };
}

const dcr: MetricResult = {
  id: 'privacy.dcr',
  score: 0.21,
  details: { median: 0.21, p05: 0.05, shareCloserToTrain: 0.8, baseline: { median: 0.19, p05: 0.04, mean: 0.2, rows: 100 } },
  leftOut: [
    { count: 2, unit: 'columns', names: ['patient_id', 'notes'], reason: 'identifier and free-text columns take no part in distances' },
  ],
};

describe('report text', () => {
  it('says plainly what was compared: training part of a file, the rest as holdout', () => {
    assert.equal(
      realHeadline(report([dcr])),
      'Real: data/patients.csv — 400 training rows of 500 (seed 42); holdout: 100 rows (the rest of the same file)',
    );
    const summary = formatEvaluationSummary(report([dcr]));
    const [first, second, third] = summary.split('\n');
    assert.equal(first, 'Real: data/patients.csv — 400 training rows of 500 (seed 42); holdout: 100 rows (the rest of the same file)');
    assert.equal(second, 'Synthetic: synthetic.csv — 500 rows');
    assert.equal(third, 'Run 20261202-070000-ab12 · MedSynth 0.1.0');
    assert.doesNotMatch(summary, /training part|\(400 rows\)/);
  });

  it('records the hash of each table, says the parts share one source file, and names run and version', () => {
    assert.deepEqual(provenanceEntries(report([dcr])), [
      ['Real', 'data/patients.csv — 400 training rows of 500 (seed 42) · sha256 0123456789ab… (of the whole file)'],
      ['Holdout', '100 rows: the rest of the same file (same sha256 0123456789ab…)'],
      ['Synthetic', 'synthetic.csv — 500 rows · sha256 fedcba987654…'],
      ['Run', '20261202-070000-ab12'],
      ['MedSynth', '0.1.0'],
    ]);
    for (const text of [renderReportHtml(report([dcr])), renderReportMarkdown(report([dcr]))]) {
      assert.match(text, /sha256 0123456789ab… \(of the whole file\)/);
      assert.match(text, /the rest of the same file/);
      assert.match(text, /sha256 fedcba987654…/);
      assert.match(text, /20261202-070000-ab12/);
      assert.match(text, /MedSynth: 0\.1\.0/);
    }
  });

  it('gives privacy.dcr its holdout baseline as the good value, never "higher is better"', () => {
    const m = report([dcr]).metrics[0];
    assert.equal(goalText(m), "good: about 0.19 or more, the holdout rows' own distance to the training rows");
    const noHoldout = report([{ ...dcr, details: { median: 0.21, p05: 0.05 } }], false).metrics[0];
    assert.equal(goalText(noHoldout), 'no fixed good value: add a holdout to get the natural level');
    const summaryLine =
      formatEvaluationSummary(report([dcr]))
        .split('\n')
        .find((l) => l.startsWith('privacy.dcr')) ?? '';
    assert.match(summaryLine, /good: about 0\.19 or more/);
    assert.doesNotMatch(summaryLine, /higher is better/);
    const html = renderReportHtml(report([dcr]));
    assert.match(html, /good: about 0\.19 or more, the holdout rows&#39; own distance/);
    assert.match(html, /median distance of 0\.19 from the training rows/);
    assert.match(renderReportMarkdown(report([dcr])), /\| good: about 0\.19 or more/);
  });

  it('keeps internal field names out of every metric description', () => {
    for (const m of TABLE_METRICS) {
      assert.doesNotMatch(m.doc, /shareCloserToTrain|details\.|excluded[A-Z]|[a-z][A-Z][a-z]+[A-Z]/, m.id);
    }
  });

  it('says how many columns a score left out, in the summary, HTML and Markdown', () => {
    const r = report([dcr]);
    assert.match(
      formatEvaluationSummary(r),
      /Not used by some scores:\n {2}privacy\.dcr: 2 columns left out \(patient_id, notes\): identifier and free-text columns take no part in distances/,
    );
    assert.match(
      renderReportHtml(r),
      /<div class="left-out">2 columns left out \(patient_id, notes\): identifier and free-text columns take no part in distances\.<\/div>/,
    );
    assert.match(renderReportMarkdown(r), /\*\*Left out:\*\* 2 columns left out \(patient_id, notes\)/);
    const one = report([{ ...dcr, leftOut: [{ count: 1, unit: 'columns', names: ['id'], reason: 'why' }] }]);
    assert.match(formatEvaluationSummary(one), /1 column left out \(id\): why/);
    assert.doesNotMatch(formatEvaluationSummary(report([{ ...dcr, leftOut: [] }])), /Not used by some scores/);
  });
});
