// A tiny element builder. Text always goes in through textContent, never innerHTML, so file content
// (column names, category labels) cannot inject markup; styles go through classes, never style="".

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Creates a custom element (the vscode-elements components) the same way. */
export function custom(
  tag: string,
  attrs: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: readonly Child[]
): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | undefined>> = {},
  ...children: readonly Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Readonly<Record<string, string | number | boolean | undefined>>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'style') throw new Error('inline styles are blocked by the webview CSP; use a class');
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Formats a score or fraction for display; the tests format the Report's numbers the same way. */
export function formatScore(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(3);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Turns SVG markup from the pure report chart builders (src/core/report/charts.ts) into a node. The
 * markup is parsed by the HTML parser in an inert document (nothing in it runs, and inline SVG gets
 * the SVG namespace without an xmlns attribute); it carries no inline styles, so the CSP holds.
 */
export function svgFromMarkup(markup: string): Element {
  const root = new DOMParser().parseFromString(`<body>${markup}</body>`, 'text/html').querySelector('body > svg');
  if (!root) return h('div', { class: 'chart-error' }, 'chart could not be drawn');
  return document.importNode(root, true);
}
