// The report model and its exports. Expected bin shares are counted by hand from the tiny tables below.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import type { MetricResult } from '../../../src/core/metrics/types';
import { buildReport } from '../../../src/core/report/build';
import { escapeXml, renderDistributionSvg } from '../../../src/core/report/charts';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import { reportVerdict } from '../../../src/core/report/verdict';
import { formatEvaluationSummary } from '../../../src/cli/summary';

const num = (name: string, values: number[]): Table['columns'][number] => ({
  kind: 'numeric',
  name,
  values: Float64Array.from(values),
  integer: true,
});
const cat = (name: string, codes: number[], categories: string[]): Table['columns'][number] => ({
  kind: 'categorical',
  name,
  codes: Int32Array.from(codes),
  categories,
});

const real: Table = {
  rowCount: 4,
  columns: [
    num('age', [0, 1, 2, 3]),
    cat('sex', [0, 0, 1, -1], ['F', 'M']),
    { kind: 'identifier', name: 'id', values: ['a', 'b', 'c', 'd'] },
  ],
  provenance: { file: 'real.csv', sha256: 'ab'.repeat(32) },
};
// Synthetic categories come in another order, as a separately read file would: matching is by label.
const synth: Table = {
  rowCount: 5,
  columns: [
    num('age', [0, 0, 3, 9, NaN]),
    cat('sex', [0, 1, 1, 1, 1], ['M', 'F']),
    { kind: 'identifier', name: 'id', values: ['x', 'y', 'z', 'w', 'v'] },
  ],
  provenance: { file: 'synth.csv' },
};
const results: MetricResult[] = [
  { id: 'fidelity.ksComplement', score: 0.95, details: {} },
  { id: 'privacy.exactCopies', score: 0, details: {} },
  { id: 'privacy.dcr', score: 0.2, details: { median: 0.2, p05: 0.05, histogram: { edges: [0, 0.5, 1], counts: [3, 2] } } },
  { id: 'fidelity.unknownThing', score: null, details: {}, error: 'table has no numeric <columns>' },
];

describe('buildReport', () => {
  const report = buildReport(real, synth, results, {
    bins: 3,
    createdAt: '2026-01-01T00:00:00Z',
    generator: { name: 'g', family: 'single-pass', seed: 5, executionProvider: 'cpu' },
  });

  it('bins numeric columns over the real range, pooling synthetic outliers into the end bins', () => {
    const age = report.columns.find((c) => c.name === 'age');
    assert.ok(age);
    // Real 0..3 in 3 bins of width 1: [0,1) [1,2) [2,3]; 3 lands in the last bin.
    assert.deepEqual(age.real, [0.25, 0.25, 0.5]);
    // Synthetic present values 0, 0, 3, 9 (9 is pooled into the last bin); one of five is missing.
    assert.deepEqual(age.synth, [0.5, 0, 0.5]);
    assert.equal(age.missingReal, 0);
    assert.equal(age.missingSynth, 0.2);
    assert.equal(age.bins.length, 3);
  });

  it('matches categories by label and leaves identifiers out', () => {
    const sex = report.columns.find((c) => c.name === 'sex');
    assert.ok(sex);
    assert.deepEqual(sex.bins, ['F', 'M']);
    assert.deepEqual(sex.real, [2 / 3, 1 / 3]);
    assert.deepEqual(sex.synth, [0.8, 0.2]);
    assert.equal(sex.missingReal, 0.25);
    assert.equal(
      report.columns.some((c) => c.name === 'id'),
      false,
    );
  });

  it('carries descriptors, the DCR histogram, sources and the generator', () => {
    assert.equal(report.metrics[0].descriptor.goal, 'maximize');
    assert.equal(report.metrics[1].descriptor.goal, 'minimize');
    assert.deepEqual(report.dcrHistogram, { edges: [0, 0.5, 1], counts: [3, 2] });
    assert.deepEqual(report.real, { file: 'real.csv', rows: 4, sha256: 'ab'.repeat(32) });
    assert.equal(report.generator?.executionProvider, 'cpu');
    assert.equal(report.metrics[3].descriptor.title, 'fidelity.unknownThing');
  });

  it('gives a plain-language verdict', () => {
    const v = reportVerdict(report);
    assert.equal(v.find((l) => l.topic === 'fidelity')?.level, 'good');
    assert.ok(v.some((l) => l.topic === 'privacy' && /exact copy/.test(l.text)));
  });

  it('renders self-contained HTML: no script, no remote URL, escaped text, scores and meanings', () => {
    const html = renderReportHtml(report);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /\bsrc=|<link\b|@import|url\(/i);
    assert.match(html, /<svg/);
    assert.match(html, /0\.95/);
    assert.match(html, /higher is better/);
    assert.match(html, /table has no numeric &lt;columns&gt;/);
    assert.match(html, /seed 5/);
    assert.match(html, /Distance to closest real record/);
  });

  it('exports Markdown with a score table', () => {
    const md = renderReportMarkdown(report);
    assert.match(md, /\| Metric \| Score \|/);
    assert.match(md, /`fidelity.ksComplement`\) \| 0.95 \|/);
  });
});

describe('a metric that does not apply', () => {
  // breast_cancer.csv has no categorical column: TV complement does not apply, which is not a failure.
  const na: MetricResult[] = [
    { id: 'fidelity.ksComplement', score: 0.95, details: {} },
    { id: 'fidelity.tvComplement', score: null, details: {}, notApplicable: 'the real table has no categorical or boolean columns' },
    { id: 'privacy.exactCopies', score: 0, details: {} },
  ];
  const report = buildReport(real, synth, na, { createdAt: '2026-01-01T00:00:00Z' });

  it('keeps the reason in the report and shows n/a, never "error", in the CLI summary', () => {
    const tv = JSON.parse(JSON.stringify(report)).metrics[1] as MetricResult;
    assert.deepEqual([tv.score, tv.error, tv.notApplicable], [null, undefined, 'the real table has no categorical or boolean columns']);
    const line =
      formatEvaluationSummary(report)
        .split('\n')
        .find((l) => l.startsWith('fidelity.tvComplement')) ?? '';
    assert.match(line, /\bn\/a\b.*not applicable: the real table has no categorical or boolean columns/);
    assert.doesNotMatch(formatEvaluationSummary(report), /\berror\b/);
  });

  it('renders n/a with the reason in a neutral style in HTML and Markdown', () => {
    const html = renderReportHtml(report);
    assert.match(html, /<td class="score unknown">n\/a<\/td>/);
    assert.match(html, /<div class="na">Not applicable: the real table has no categorical or boolean columns<\/div>/);
    assert.doesNotMatch(html, /Could not compute/);
    assert.match(
      renderReportMarkdown(report),
      /`fidelity.tvComplement`\) \| n\/a \(the real table has no categorical or boolean columns\) \|/,
    );
  });

  it('does not count it in the verdict', () => {
    const v = reportVerdict(report);
    assert.equal(v.find((l) => l.topic === 'fidelity')?.level, 'good');
    assert.match(v.find((l) => l.topic === 'fidelity')?.text ?? '', /average fidelity 95%/);
    const onlyNa = buildReport(real, synth, [na[1]], { createdAt: '2026-01-01T00:00:00Z' });
    assert.deepEqual(reportVerdict(onlyNa)[0], {
      topic: 'fidelity',
      level: 'unknown',
      text: 'No fidelity metric applies to these columns.',
    });
  });
});

describe('charts', () => {
  it('escapes labels and draws one bar per bin and side', () => {
    const svg = renderDistributionSvg({
      name: '<b>',
      kind: 'categorical',
      bins: ['a&b', 'c'],
      real: [0.5, 0.5],
      synth: [1, 0],
      missingReal: 0,
      missingSynth: 0,
    });
    assert.equal((svg.match(/<rect class="real"/g) ?? []).length, 3); // two bars and the legend swatch
    assert.match(svg, /a&amp;b/);
    assert.doesNotMatch(svg, /<b>/);
    assert.equal(escapeXml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
  });
});
