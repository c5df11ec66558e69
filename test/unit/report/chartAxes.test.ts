// Chart axes, the DCR overlay and the correlation heatmaps: tick values against hand computation of
// the 1/2/5 × 10^k rule, calendar ticks against the calendar, and the heatmap matrices against pandas.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { categoryAxis, niceDomain, niceStep, niceTicks, timeTicks } from '../../../src/core/report/chartAxes';
import { renderDistributionSvg, renderHistogramSvg } from '../../../src/core/report/charts';
import { renderCorrelationHeatmapSvg } from '../../../src/core/report/correlationHeatmap';
import { correlationMatrices } from '../../../src/core/report/correlationMatrix';

const ROOT = join(__dirname, '..', '..', '..');

/** The y tick labels of an SVG (text anchored at the end, left of the plot). */
function yLabels(svg: string): string[] {
  return [...svg.matchAll(/<text class="tick" x="\d+(?:\.\d+)?" y="[\d.]+" dy="3" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('nice ticks', () => {
  it('steps by 1, 2 or 5 × 10^k', () => {
    // span / count = 0.074 → f = 7.4 ≥ √50 → step 0.1; 0.37 / 4 = 0.0925 → 0.1; 1000 / 5 = 200 → 200.
    assert.equal(niceStep(0.37, 5), 0.1 / 1);
    assert.equal(niceStep(1000, 5), 200);
    assert.equal(niceStep(12, 5), 2); // 2.4 ≥ √2
    assert.equal(niceStep(30, 5), 5); // 6 ≥ √10
    assert.equal(niceStep(0.012, 4), 0.002); // 0.003 → f 3 < √10 → 2
  });

  it('gives several round ticks inside the range, with no floating-point dust', () => {
    assert.deepEqual(niceTicks(0, 0.37, 5), [0, 0.1, 0.2, 0.3]);
    // 34.6 / 5 = 6.92 < √50 → step 5.
    assert.deepEqual(niceTicks(8.6, 43.2, 5), [10, 15, 20, 25, 30, 35, 40]);
    assert.deepEqual(niceTicks(92, 181, 4), [100, 120, 140, 160, 180]);
    assert.deepEqual(niceTicks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(niceTicks(0, 0.3, 3), [0, 0.1, 0.2, 0.3]);
    assert.deepEqual(niceTicks(5, 5), [5]);
    assert.deepEqual(niceTicks(1, 0), []);
  });

  it('puts the y axis top on the first tick at or above the largest value', () => {
    assert.deepEqual(niceDomain(0.53, false), { top: 0.6, step: 0.2, ticks: [0, 0.2, 0.4, 0.6] });
    assert.deepEqual(niceDomain(54, true), { top: 60, step: 20, ticks: [0, 20, 40, 60] });
    // Counts never step by fractions: a peak of 3 rows gives 0, 1, 2, 3.
    assert.deepEqual(niceDomain(3, true).ticks, [0, 1, 2, 3]);
  });

  it('labels a distribution chart with several rounded percentages, not just 0 and the maximum', () => {
    const svg = renderDistributionSvg({
      name: 'x',
      kind: 'categorical',
      bins: ['a', 'b'],
      real: [0.53, 0.47],
      synth: [0.5, 0.5],
      missingReal: 0,
      missingSynth: 0,
    });
    assert.deepEqual(yLabels(svg), ['0%', '20%', '40%', '60%']);
  });

  it('places numeric x ticks on round values from the bin edges', () => {
    const edges = Array.from({ length: 21 }, (_, i) => 8.6 + (i * (43.2 - 8.6)) / 20);
    const svg = renderDistributionSvg({
      name: 'bmi',
      kind: 'numeric',
      bins: edges.slice(1).map(String),
      edges,
      real: new Array(20).fill(0.05),
      synth: new Array(20).fill(0.05),
      missingReal: 0,
      missingSynth: 0,
    });
    const x = [...svg.matchAll(/<text class="tick" x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(x, ['10', '20', '30', '40']);
  });
});

describe('calendar ticks', () => {
  it('uses whole years for a multi-year span and months for a shorter one', () => {
    // May 2019 to Nov 2024 is 66 months: 66 / 12 = 5.5 ticks fit in 6.
    const years = timeTicks(Date.UTC(2019, 4, 3), Date.UTC(2024, 10, 20), 6);
    assert.deepEqual(years.ticks.map(years.label), ['2020', '2021', '2022', '2023', '2024']);
    const months = timeTicks(Date.UTC(2023, 0, 15), Date.UTC(2023, 7, 1), 4);
    // 7 months in at most 4 ticks → every 2 months, aligned to Jan, Mar, May, Jul.
    assert.deepEqual(months.ticks.map(months.label), ['2023-03', '2023-05', '2023-07']);
    const days = timeTicks(Date.UTC(2023, 0, 1, 12), Date.UTC(2023, 0, 4), 5);
    assert.deepEqual(days.ticks.map(days.label), ['2023-01-02', '2023-01-03', '2023-01-04']);
  });
});

describe('category labels', () => {
  it('stay horizontal when they fit and rotate, whole or with a tooltip, when they do not', () => {
    const fit = categoryAxis(['F', 'M'], 100);
    assert.doesNotMatch(
      fit.markup({ left: 40, right: 240, top: 18, bottom: 150 }, (i) => 40 + i * 100),
      /rotate/,
    );
    const long = ['hypertension', 'type 2 diabetes', 'chronic obstructive pulmonary disease'];
    const axis = categoryAxis(long, 40);
    const markup = axis.markup({ left: 40, right: 160, top: 18, bottom: 150 }, (i) => 40 + i * 40);
    assert.equal((markup.match(/rotate\(-40\)/g) ?? []).length, 3, 'every category is labelled');
    assert.match(markup, />hypertension<title>hypertension<\/title>/);
    assert.match(markup, />chronic obstruc…<title>chronic obstructive pulmonary disease<\/title>/);
    assert.ok(axis.height > 22, 'the chart grows to hold rotated labels');
  });
});

describe('DCR histogram with its holdout overlay', () => {
  it('draws synthetic bars and the holdout step line as shares of their own rows', () => {
    const svg = renderHistogramSvg({ edges: [0, 0.1, 0.2, 0.3], counts: [6, 3, 1], holdoutCounts: [0, 1, 1] }, 'dcr');
    assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, 3);
    assert.match(svg, /<path class="holdout" d="M/);
    assert.match(svg, /holdout rows → training rows/);
    // Synthetic peak 6 / 10 = 60%, holdout peak 1 / 2 = 50%: the axis reads in shares up to 60%.
    assert.deepEqual(yLabels(svg), ['0%', '20%', '40%', '60%']);
    assert.match(svg, /0\.1–0\.2: 3 synthetic rows \(30\.0%\), 1 holdout rows \(50\.0%\)/);
    const plain = renderHistogramSvg({ edges: [0, 0.1, 0.2, 0.3], counts: [6, 3, 1] }, 'dcr');
    assert.doesNotMatch(plain, /holdout/);
    assert.deepEqual(yLabels(plain), ['0', '2', '4', '6']);
  });
});

describe('correlation heatmaps', () => {
  it('hold the pairwise-complete Pearson matrices pandas computes', async () => {
    const ref = JSON.parse(await readFile(join(ROOT, 'test/fixtures/reference/report_correlations.json'), 'utf8')) as {
      patients: { columns: string[]; matrix: (number | null)[][] };
    };
    const table = await parseTable(new Uint8Array(await readFile(join(ROOT, 'samples/workspace/patients.csv'))), {
      fileName: 'patients.csv',
    });
    const m = correlationMatrices(table, table);
    assert.ok(m);
    assert.deepEqual(m.columns, ref.patients.columns);
    m.real.forEach((row, i) =>
      row.forEach((v, j) =>
        assert.ok(
          Math.abs((v ?? NaN) - (ref.patients.matrix[i][j] ?? NaN)) < 1e-12,
          `${m.columns[i]} × ${m.columns[j]}: ${v} vs pandas ${ref.patients.matrix[i][j]}`,
        ),
      ),
    );
    assert.equal(m.omittedColumns, 0);
    const capped = correlationMatrices(table, table, 2);
    assert.deepEqual(capped?.columns, ['admission_date', 'age']);
    assert.equal(capped?.omittedColumns, 2);
  });

  it('colours by sign, shades by size, and marks undefined cells', () => {
    const m = {
      columns: ['a', 'b', 'c'],
      real: [
        [1, 0.5, null],
        [0.5, 1, -0.25],
        [null, -0.25, 1],
      ],
      synth: [
        [1, -0.5, null],
        [-0.5, 1, -0.25],
        [null, -0.25, 1],
      ],
      omittedColumns: 0,
    };
    const diff = renderCorrelationHeatmapSvg(m, 'difference');
    // a × b: −0.5 − 0.5 = −1 → a full-strength negative cell; b × c: no change → transparent.
    assert.match(
      diff,
      /<rect class="cell neg" x="\d+" y="\d+" width="\d+" height="\d+" fill-opacity="1\.000"><title>a × b: real 0\.50, synthetic −0\.50, difference −1\.00<\/title>/,
    );
    assert.match(diff, /fill-opacity="0\.000"><title>b × c: real −0\.25, synthetic −0\.25, difference 0\.00<\/title>/);
    assert.match(diff, /<rect class="cell none"[^>]*><title>a × c: real undefined/);
    // The difference map reaches full colour at ±0.5: a change of 0.25 is drawn at half strength.
    const half = renderCorrelationHeatmapSvg(
      {
        ...m,
        synth: [
          [1, 0.75, null],
          [0.75, 1, -0.25],
          [null, -0.25, 1],
        ],
      },
      'difference',
    );
    assert.match(
      half,
      /<rect class="cell pos"[^>]*fill-opacity="0\.500"><title>a × b: real 0\.50, synthetic 0\.75, difference 0\.25<\/title>/,
    );
    const real = renderCorrelationHeatmapSvg(m, 'real');
    assert.match(real, /<rect class="cell pos"[^>]*fill-opacity="0\.500"><title>a × b/);
  });
});
