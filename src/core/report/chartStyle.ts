// Chart colours and marks for the self-contained report.html, the same opaque pairs the webview uses
// (media/webview.css): a light and a dark set chosen by the reader's colour scheme, each colour at
// least 4.5:1 against its page background, so a reviewer's printout or dark browser keeps the series apart.
export const REPORT_CHART_STYLE = `
:root { --chart-real: #0063d3; --chart-synth: #b35900; --chart-pos: #0063d3; --chart-neg: #cf222e; --chart-bg: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --chart-real: #4fa3f7; --chart-synth: #f0883e; --chart-pos: #4fa3f7; --chart-neg: #f85149; --chart-bg: #0d1117; } }
svg .real, svg .bar { fill: var(--chart-real); } svg .synth { fill: var(--chart-synth); }
svg .axis { stroke: var(--muted); } svg .gridline { stroke: var(--line); }
svg .holdout { fill: none; stroke: var(--chart-synth); stroke-width: 2; }
svg rect.cell.pos { fill: var(--chart-pos); } svg rect.cell.neg { fill: var(--chart-neg); } svg rect.cell.none { fill: none; stroke: var(--line); }
svg .cell-value { font-size: 9px; fill: var(--fg); paint-order: stroke; stroke: var(--chart-bg); stroke-width: 2.5px; }
.heatmaps { display: flex; flex-wrap: wrap; gap: 16px; } .heatmaps figure { border: 0; padding: 0; }
`;
