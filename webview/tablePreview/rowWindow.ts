// Row virtualisation: only the rows in view (plus a small overscan) exist in the DOM, spacer rows keep
// the scrollbar honest, and rows arrive from the host in pages that are cached and requested on demand.
import { h } from '../shared/dom';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;
/** Pages kept in memory; a 100k-row table at 200 rows a page would otherwise pile up 500 pages. */
const MAX_CACHED_PAGES = 40;

export interface RowSource {
  readonly rowCount: number;
  readonly columnCount: number;
  readonly pageSize: number;
  /** Asks the host for one page; the answer comes back through `addPage`. */
  requestPage(page: number): void;
}

export class RowWindow {
  private readonly pages = new Map<number, readonly (readonly string[])[]>();
  private readonly requested = new Set<number>();
  private readonly topSpacer: HTMLTableRowElement;
  private readonly bottomSpacer: HTMLTableRowElement;
  private frame = 0;
  /** The row elements now in the DOM, by row index: rows still in view are kept, not rebuilt. */
  private rendered = new Map<number, HTMLTableRowElement>();

  constructor(
    private readonly scroller: HTMLElement,
    private readonly body: HTMLTableSectionElement,
    private readonly source: RowSource,
  ) {
    this.topSpacer = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: source.columnCount + 1 }));
    this.bottomSpacer = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: source.columnCount + 1 }));
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  addPage(offset: number, rows: readonly (readonly string[])[]): void {
    const page = Math.floor(offset / this.source.pageSize);
    this.requested.delete(page);
    this.pages.set(page, rows);
    // Evict the oldest pages first; Map iteration order is insertion order.
    while (this.pages.size > MAX_CACHED_PAGES) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
    this.schedule();
  }

  /** Forgets an in-flight page request (timed out or failed) so that scrolling asks again. */
  dropRequest(page: number): void {
    this.requested.delete(page);
  }

  schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const { rowCount, pageSize } = this.source;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(rowCount, first + visible);
    const rows: HTMLTableRowElement[] = [];
    const next = new Map<number, HTMLTableRowElement>();
    for (let r = first; r < last; r++) {
      const page = Math.floor(r / pageSize);
      const cells = this.pages.get(page)?.[r - page * pageSize];
      if (!cells) this.ensurePage(page);
      const kept = this.rendered.get(r);
      const row = kept && kept.classList.contains('loading') === !cells ? kept : this.rowElement(r, cells);
      next.set(r, row);
      rows.push(row);
    }
    this.rendered = next;
    // Ask for the next page ahead of the scroll so that steady scrolling rarely shows placeholders.
    if (last < rowCount) this.ensurePage(Math.floor(last / pageSize));
    (this.topSpacer.firstElementChild as HTMLElement).style.height = `${first * ROW_HEIGHT}px`;
    (this.bottomSpacer.firstElementChild as HTMLElement).style.height = `${(rowCount - last) * ROW_HEIGHT}px`;
    this.body.replaceChildren(this.topSpacer, ...rows, this.bottomSpacer);
  }

  private ensurePage(page: number): void {
    if (this.pages.has(page) || this.requested.has(page)) return;
    this.requested.add(page);
    this.source.requestPage(page);
  }

  private rowElement(index: number, cells: readonly string[] | undefined): HTMLTableRowElement {
    const tr = h(
      'tr',
      { class: cells ? 'row' : 'row loading', 'data-row': index },
      h('th', { class: 'rownum', scope: 'row' }, String(index + 1)),
    );
    for (let c = 0; c < this.source.columnCount; c++) {
      const text = cells?.[c];
      if (text === undefined) tr.append(h('td', { class: 'pending' }, '…'));
      else if (text === '') tr.append(h('td', { class: 'missing', title: 'missing' }, '∅'));
      else tr.append(h('td', { title: text.length > 24 ? text : undefined }, text));
    }
    return tr;
  }
}
