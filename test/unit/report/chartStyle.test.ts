// The exported report.html's chart colours, light and dark: every series colour at least 3:1 against
// the page background it is drawn on (WCAG 2.x 1.4.11, graphical objects), luminance per WCAG 2.x.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPORT_CHART_STYLE } from '../../../src/core/report/chartStyle';

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((s) => (s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The --chart-* declarations of one :root block of the style text. */
function palette(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--chart-([a-z]+): (#[0-9a-f]{6})/g)].map((m) => [m[1], m[2]]));
}

describe('report.html chart colours', () => {
  it('stand out from the page in the light and the dark scheme', () => {
    const [light, dark] = REPORT_CHART_STYLE.split('@media (prefers-color-scheme: dark)').map(palette);
    for (const [scheme, colours] of [
      ['light', light],
      ['dark', dark],
    ] as const) {
      assert.deepEqual(Object.keys(colours).sort(), ['bg', 'neg', 'pos', 'real', 'synth'], `${scheme} defines every colour`);
      for (const series of ['real', 'synth', 'pos', 'neg']) {
        const ratio = contrast(colours[series], colours.bg);
        assert.ok(ratio >= 3, `${scheme} ${series} ${colours[series]} is ${ratio.toFixed(2)}:1 on ${colours.bg}`);
      }
    }
    // The page backgrounds are the ones html.ts paints (white, and #0d1117 in the dark scheme).
    assert.equal(light.bg, '#ffffff');
    assert.equal(dark.bg, '#0d1117');
  });
});
