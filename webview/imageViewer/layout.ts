// DOM construction for the image viewer: the toolbar (series, window preset, zoom, metadata toggle),
// the frame slider, the stage with its canvas and overlay, the metadata side panel and the status bar.
// Builds elements and wires their controls to the callbacks it is given; holds no state of its own.
import type { ImageViewerInit, MetadataRow, ViewerVolume } from '../../src/protocol/imageViewer';
import { h } from '../shared/dom';
import { metadataPanel } from './metadataPanel';
import type { WindowPreset } from './windowing';

/** The elements main.ts updates after a layout. */
export interface Elements {
  readonly canvas: HTMLCanvasElement;
  readonly stage: HTMLElement;
  readonly overlay: HTMLElement;
  readonly slider?: HTMLInputElement;
  readonly frameLabel?: HTMLElement;
  readonly preset?: HTMLSelectElement;
  readonly windowLabel?: HTMLElement;
  readonly zoomLabel: HTMLElement;
  readonly readout: HTMLElement;
  readonly held: HTMLElement;
  readonly error: HTMLElement;
  readonly side: HTMLElement;
}

/** What a layout shows and where its controls report to. */
export interface LayoutContext {
  readonly volumeIndex: number;
  readonly frameIndex: number;
  readonly presets: readonly WindowPreset[];
  readonly onSelectVolume: (index: number) => void;
  /** A preset picked from the list; 'custom' picks none. */
  readonly onPreset: (id: string) => void;
  readonly onZoom: (factor: number) => void;
  readonly onFit: () => void;
  readonly onToggleMetadata: () => void;
  readonly onFrame: (frame: number) => void;
}

export function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = h('option', { value }, label);
  o.selected = selected;
  return o;
}

export function iconButton(icon: string, label: string, action: string): HTMLButtonElement {
  return h(
    'button',
    { class: 'icon secondary', type: 'button', title: label, 'aria-label': label, 'data-action': action },
    h('span', { class: `codicon codicon-${icon}` }),
  );
}

/** Replaces the children of `app` with the viewer for volume `v` of `info` and returns its elements. */
export function layout(app: HTMLElement, info: ImageViewerInit, v: ViewerVolume, ctx: LayoutContext): Elements {
  const error = h('span', { class: 'error', role: 'alert', hidden: true });
  const volumeSelect =
    info.volumes.length > 1
      ? h(
          'select',
          { class: 'volume', 'aria-label': 'Series' },
          ...info.volumes.map((x, i) => option(String(i), `${x.label} (${x.frames} × ${x.rows} × ${x.columns})`, i === ctx.volumeIndex)),
        )
      : null;
  volumeSelect?.addEventListener('change', () => ctx.onSelectVolume(Number(volumeSelect.value)));
  const preset =
    v.channels === 1
      ? h(
          'select',
          { class: 'preset', 'aria-label': 'Window preset' },
          ...ctx.presets.map((p) => option(p.id, p.label, false)),
          option('custom', 'Custom', false),
        )
      : undefined;
  preset?.addEventListener('change', () => ctx.onPreset(preset.value));
  const windowLabel = v.channels === 1 ? h('span', { class: 'window-label mono' }) : undefined;
  const zoomLabel = h('span', { class: 'zoom-label mono' });
  const zoomOut = iconButton('zoom-out', 'Zoom out', 'zoomOut');
  const zoomIn = iconButton('zoom-in', 'Zoom in', 'zoomIn');
  const fit = iconButton('screen-normal', 'Fit to window', 'fit');
  const toggle = iconButton('layout-sidebar-right', 'Show or hide the metadata', 'toggleMetadata');
  zoomOut.addEventListener('click', () => ctx.onZoom(1 / 1.25));
  zoomIn.addEventListener('click', () => ctx.onZoom(1.25));
  fit.addEventListener('click', () => ctx.onFit());
  toggle.addEventListener('click', () => ctx.onToggleMetadata());
  const toolbar = h(
    'header',
    { class: 'toolbar' },
    h('span', { class: 'title', title: info.title }, info.title),
    h('span', { class: 'format' }, info.format.toUpperCase()),
    volumeSelect,
    preset ?? null,
    windowLabel ?? null,
    h('span', { class: 'spacer' }),
    zoomOut,
    zoomLabel,
    zoomIn,
    fit,
    toggle,
    error,
  );
  let slider: HTMLInputElement | undefined;
  let frameLabel: HTMLElement | undefined;
  let frameBar: HTMLElement | null = null;
  if (v.frames > 1) {
    slider = h('input', {
      class: 'frame-slider',
      type: 'range',
      min: 0,
      max: v.frames - 1,
      step: 1,
      value: ctx.frameIndex,
      'aria-label': 'Frame',
    });
    frameLabel = h('span', { class: 'frame-label mono' });
    const s = slider;
    s.addEventListener('input', () => ctx.onFrame(Number(s.value)));
    frameBar = h('div', { class: 'frame-bar' }, frameLabel, slider);
  }
  const canvas = h('canvas', {
    class: 'view',
    tabindex: 0,
    'aria-label': `${v.label}: drag to change the window, wheel to change the frame`,
  });
  const overlay = h('div', { class: 'overlay', hidden: true });
  const stage = h('div', { class: 'stage' }, canvas, overlay);
  const side = h('div', { class: 'side' });
  const readout = h('span', { class: 'readout mono' }, ' ');
  const held = h('span', { class: 'held' });
  const statusbar = h(
    'footer',
    { class: 'statusbar' },
    readout,
    h('span', { class: 'spacer' }),
    held,
    h('span', { class: 'hints' }, 'Drag: window (↔ width, ↕ level) · Shift+drag or middle button: pan · Wheel: frame · Ctrl+wheel: zoom'),
  );
  app.replaceChildren(
    ...[toolbar, frameBar, h('div', { class: 'main' }, stage, side), statusbar].filter((x): x is HTMLElement => x !== null),
  );
  return { canvas, stage, overlay, slider, frameLabel, preset, windowLabel, zoomLabel, readout, held, error, side };
}

/** Fills the metadata side panel (hidden when closed) with the rows of `v`, revealed ones when given. */
export function renderSide(
  side: HTMLElement,
  open: boolean,
  v: ViewerVolume,
  revealedRows: readonly MetadataRow[] | undefined,
  privacyNote: ImageViewerInit['privacyNote'],
  onReveal: () => void,
  onHide: () => void,
): void {
  side.hidden = !open;
  side.replaceChildren(metadataPanel(v, revealedRows, privacyNote, onReveal, onHide));
}
