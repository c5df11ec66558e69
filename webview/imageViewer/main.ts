// The image viewer app: a ready -> init handshake, then frames as Float32Array modality values, the
// first pushed by the host and any other asked for when the user scrolls to it. The canvas shows one
// frame with a window (mouse drag: horizontal = width, vertical = level; presets), zoom (ctrl+wheel,
// buttons) and pan (shift+drag or middle button), at its physical aspect; the wheel and the slider
// change the frame; the status line gives the value under the cursor in modality units. Renders and
// messages only: the host owns the file, and every host message is validated before it is used.
import '../../media/webview.css';
import '../../media/imageViewer.css';
import { assertNever } from '../../src/protocol/messageChecks';
import { MAX_HELD_FRAME_BYTES, frameLength, parseImageViewerHostMessage } from '../../src/protocol/imageViewer';
import type {
  ImageViewerHostMessage,
  ImageViewerInit,
  ImageViewerUiState,
  ImageViewerWebviewMessage,
  MetadataRow,
  ViewerVolume,
} from '../../src/protocol/imageViewer';
import { h } from '../shared/dom';
import { connectHost, PendingRequests } from '../shared/hostChannel';
import { FrameStore } from './frameStore';
import { metadataPanel } from './metadataPanel';
import { FIT, imageRect, pixelAt, zoomAbout } from './viewport';
import type { Rect, View } from './viewport';
import { formatNumber, renderGrey, renderRgb, windowPresets } from './windowing';
import type { WindowLevel, WindowPreset } from './windowing';

const REQUEST_TIMEOUT_MS = 30_000;
/** Frames asked for ahead of and behind the one shown. */
const PREFETCH = 3;
/** Wheel travel (px) per frame step; a mouse notch is about 100. */
const WHEEL_STEP = 40;
/** Window drag: the value range is crossed in this many CSS px. */
const DRAG_SPAN_PX = 512;

const app = document.getElementById('app') ?? document.body;
const host = connectHost<{ readonly type: string }, ImageViewerWebviewMessage, ImageViewerUiState>(onRawMessage);
const store = new FrameStore(MAX_HELD_FRAME_BYTES);
const pending = new PendingRequests<{ readonly volume: number; readonly frame: number }>(REQUEST_TIMEOUT_MS, (r) => {
  store.forget(r.volume, r.frame);
  if (r.volume === volumeIndex && r.frame === frameIndex) showError(`frame ${r.frame + 1} did not arrive in time; scroll to ask again`);
});

let init: ImageViewerInit | undefined;
let volumeIndex = 0;
let frameIndex = 0;
let win: WindowLevel = { center: 0, width: 1 };
let presets: WindowPreset[] = [];
let view: View = FIT;
let metadataOpen = true;
const revealed = new Map<number, readonly MetadataRow[]>();
let pushExpected = new Set<number>();
let pushTimer: ReturnType<typeof setTimeout> | undefined;
let wheelTravel = 0;
let restored = false;

interface Elements {
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
let els: Elements | undefined;
const frameCanvas = document.createElement('canvas');
let frameDrawn = '';

function volume(): ViewerVolume | undefined {
  return init?.volumes[volumeIndex];
}

function onRawMessage(raw: { readonly type: string }): void {
  const message = parseImageViewerHostMessage(raw);
  if (!message) {
    showError(`ignored a malformed "${String(raw.type).slice(0, 40)}" message from the host`);
    return;
  }
  onHostMessage(message);
}

function onHostMessage(message: ImageViewerHostMessage): void {
  switch (message.type) {
    case 'init':
      start(message.init);
      break;
    case 'frame': {
      const v = init?.volumes[message.volume];
      if (message.id !== undefined) pending.close(message.id);
      if (!v || message.frame >= v.frames || message.data.length !== frameLength(v)) {
        store.forget(message.volume, message.frame);
        showError(
          v
            ? `ignored frame ${message.frame + 1} of ${v.label}: ${message.data.length} values, expected ${frameLength(v)} in each of ${v.frames} frames`
            : `ignored a frame of volume ${message.volume + 1}, which this file does not have`,
        );
        break;
      }
      if (message.volume === 0) pushExpected.delete(message.frame);
      store.put(message.volume, message.frame, message.data, { volume: volumeIndex, frame: frameIndex });
      if (message.volume === volumeIndex && message.frame === frameIndex) draw();
      else updateHeld();
      break;
    }
    case 'metadataRevealed':
      revealed.set(message.volume, message.rows);
      if (message.volume === volumeIndex) renderSide();
      break;
    case 'error':
      if (message.id !== undefined) {
        const r = pending.close(message.id);
        if (r) store.forget(r.volume, r.frame);
      }
      showError(message.message);
      break;
    default:
      assertNever(message);
  }
}

function start(next: ImageViewerInit): void {
  init = next;
  store.clear();
  revealed.clear();
  volumeIndex = 0;
  frameIndex = 0;
  view = FIT;
  const saved = host.savedState;
  if (!restored && saved && Number.isSafeInteger(saved.volume) && saved.volume >= 0 && saved.volume < next.volumes.length) {
    volumeIndex = saved.volume;
    const frames = next.volumes[saved.volume].frames;
    frameIndex = Number.isSafeInteger(saved.frame) ? Math.min(Math.max(saved.frame, 0), frames - 1) : 0;
    if (Number.isFinite(saved.zoom) && Number.isFinite(saved.panX) && Number.isFinite(saved.panY))
      view = { zoom: saved.zoom, panX: saved.panX, panY: saved.panY };
    metadataOpen = saved.metadataOpen !== false;
  }
  // What the host pushes for volume 0 is on its way: not asked for again unless it does not come.
  pushExpected = new Set(Array.from({ length: Math.min(next.pushFrames, next.volumes[0].frames) }, (_, f) => f));
  for (const f of pushExpected) store.expect(0, f);
  if (pushTimer) clearTimeout(pushTimer);
  pushTimer = setTimeout(() => {
    for (const f of pushExpected) if (!store.has(0, f)) store.forget(0, f);
    pushExpected.clear();
    ensureFrames();
  }, REQUEST_TIMEOUT_MS);
  selectVolume(volumeIndex, frameIndex);
  const savedWindow = !restored ? saved?.window : undefined;
  if (savedWindow && Number.isFinite(savedWindow.center) && Number.isFinite(savedWindow.width) && savedWindow.width > 0)
    setWindow(savedWindow, undefined);
  restored = true;
}

function initialWindow(v: ViewerVolume): WindowLevel {
  if (v.defaultWindow) return v.defaultWindow;
  if (presets[0]) return presets[0];
  const r = v.valueRange;
  return r ? { center: (r.min + r.max) / 2, width: Math.max(r.max - r.min, 1) } : { center: 0, width: 1 };
}

function selectVolume(index: number, frame = 0): void {
  if (!init) return;
  volumeIndex = index;
  frameIndex = frame;
  const v = init.volumes[index];
  presets = v.channels === 1 ? windowPresets(v) : [];
  win = initialWindow(v);
  frameDrawn = '';
  layout(init, v);
  const match = presets.find((p) => p.center === win.center && p.width === win.width);
  setWindow(win, match?.id);
  ensureFrames();
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = h('option', { value }, label);
  o.selected = selected;
  return o;
}

function iconButton(icon: string, label: string, action: string): HTMLButtonElement {
  return h(
    'button',
    { class: 'icon secondary', type: 'button', title: label, 'aria-label': label, 'data-action': action },
    h('span', { class: `codicon codicon-${icon}` }),
  );
}

function layout(info: ImageViewerInit, v: ViewerVolume): void {
  const error = h('span', { class: 'error', role: 'alert', hidden: true });
  const volumeSelect =
    info.volumes.length > 1
      ? h(
          'select',
          { class: 'volume', 'aria-label': 'Series' },
          ...info.volumes.map((x, i) => option(String(i), `${x.label} (${x.frames} × ${x.rows} × ${x.columns})`, i === volumeIndex)),
        )
      : null;
  volumeSelect?.addEventListener('change', () => selectVolume(Number(volumeSelect.value)));
  const preset =
    v.channels === 1
      ? h(
          'select',
          { class: 'preset', 'aria-label': 'Window preset' },
          ...presets.map((p) => option(p.id, p.label, false)),
          option('custom', 'Custom', false),
        )
      : undefined;
  preset?.addEventListener('change', () => {
    const p = presets.find((x) => x.id === preset.value);
    if (p) setWindow(p, p.id);
    saveState();
  });
  const windowLabel = v.channels === 1 ? h('span', { class: 'window-label mono' }) : undefined;
  const zoomLabel = h('span', { class: 'zoom-label mono' });
  const zoomOut = iconButton('zoom-out', 'Zoom out', 'zoomOut');
  const zoomIn = iconButton('zoom-in', 'Zoom in', 'zoomIn');
  const fit = iconButton('screen-normal', 'Fit to window', 'fit');
  const toggle = iconButton('layout-sidebar-right', 'Show or hide the metadata', 'toggleMetadata');
  zoomOut.addEventListener('click', () => zoomBy(1 / 1.25));
  zoomIn.addEventListener('click', () => zoomBy(1.25));
  fit.addEventListener('click', () => {
    view = FIT;
    draw();
    saveState();
  });
  toggle.addEventListener('click', () => {
    metadataOpen = !metadataOpen;
    renderSide();
    draw();
    saveState();
  });
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
      value: frameIndex,
      'aria-label': 'Frame',
    });
    frameLabel = h('span', { class: 'frame-label mono' });
    const s = slider;
    s.addEventListener('input', () => setFrame(Number(s.value)));
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
  const prevError = els?.error;
  els = { canvas, stage, overlay, slider, frameLabel, preset, windowLabel, zoomLabel, readout, held, error, side };
  if (prevError && !prevError.hidden) showError(prevError.textContent ?? '');
  wireCanvas(canvas, stage);
  renderSide();
  updateFrameLabel();
}

function renderSide(): void {
  const v = volume();
  if (!els || !v || !init) return;
  els.side.hidden = !metadataOpen;
  els.side.replaceChildren(
    metadataPanel(
      v,
      revealed.get(volumeIndex),
      init.privacyNote,
      () => host.post({ type: 'revealMetadata', volume: volumeIndex }),
      () => {
        revealed.delete(volumeIndex);
        renderSide();
      },
    ),
  );
}

function setWindow(next: WindowLevel, presetId: string | undefined): void {
  win = { center: next.center, width: next.width };
  if (els?.preset) {
    const custom = els.preset.querySelector<HTMLOptionElement>('option[value="custom"]');
    if (custom) custom.textContent = presetId ? 'Custom' : `Custom (${formatNumber(win.center)} / ${formatNumber(win.width)})`;
    els.preset.value = presetId ?? 'custom';
  }
  if (els?.windowLabel) els.windowLabel.textContent = `L ${formatNumber(win.center)}  W ${formatNumber(win.width)}`;
  draw();
}

function setFrame(f: number): void {
  const v = volume();
  if (!v) return;
  const next = Math.min(Math.max(Math.round(f), 0), v.frames - 1);
  if (next === frameIndex) return;
  frameIndex = next;
  if (els?.slider) els.slider.value = String(next);
  updateFrameLabel();
  ensureFrames();
  draw();
  saveState();
}

function updateFrameLabel(): void {
  const v = volume();
  if (els?.frameLabel && v) els.frameLabel.textContent = `Frame ${frameIndex + 1} / ${v.frames}`;
}

function request(volumeAt: number, frame: number): void {
  const id = pending.open({ volume: volumeAt, frame });
  store.expect(volumeAt, frame);
  host.post({ type: 'requestFrame', id, volume: volumeAt, frame });
}

/** Asks for the frame shown and its neighbours when they are neither held nor on their way. */
function ensureFrames(): void {
  const v = volume();
  if (!v) return;
  const bytes = frameLength(v) * 4;
  const wanted = [frameIndex];
  for (let d = 1; d <= PREFETCH; d++) wanted.push(frameIndex + d, frameIndex - d);
  for (const f of wanted) {
    if (f < 0 || f >= v.frames || store.has(volumeIndex, f) || store.isComing(volumeIndex, f)) continue;
    // Neighbours only while they fit beside what is held; the frame shown always.
    if (f !== frameIndex && store.heldBytes + bytes > MAX_HELD_FRAME_BYTES) continue;
    request(volumeIndex, f);
  }
}

let drawQueued = false;
function draw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    drawNow();
  });
}

function currentRect(): Rect | undefined {
  const v = volume();
  if (!els || !v) return undefined;
  return imageRect(els.stage.clientWidth, els.stage.clientHeight, v, view);
}

function drawNow(): void {
  const v = volume();
  if (!els || !v) return;
  const { canvas, stage, overlay } = els;
  const cw = stage.clientWidth;
  const ch = stage.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  const bw = Math.max(1, Math.round(cw * dpr));
  const bh = Math.max(1, Math.round(ch * dpr));
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cw, ch);
  updateHeld();
  if (els.zoomLabel) els.zoomLabel.textContent = `${Math.round(view.zoom * 100)}%`;
  const data = store.get(volumeIndex, frameIndex);
  canvas.dataset.volume = String(volumeIndex);
  canvas.dataset.frame = String(frameIndex);
  canvas.dataset.center = String(win.center);
  canvas.dataset.width = String(win.width);
  canvas.dataset.zoom = String(view.zoom);
  if (!data) {
    overlay.hidden = false;
    overlay.textContent = `Reading frame ${frameIndex + 1} of ${v.frames}…`;
    canvas.dataset.drawn = '';
    delete canvas.dataset.imageRect;
    return;
  }
  overlay.hidden = true;
  const key = `${volumeIndex}:${frameIndex}:${win.center}:${win.width}`;
  if (key !== frameDrawn) {
    frameCanvas.width = v.columns;
    frameCanvas.height = v.rows;
    const fctx = frameCanvas.getContext('2d');
    if (!fctx) return;
    const image = fctx.createImageData(v.columns, v.rows);
    if (v.channels === 3) renderRgb(data, image.data, (v.valueRange?.max ?? 0) > 255);
    else renderGrey(data, image.data, win, v.photometric === 'MONOCHROME1');
    fctx.putImageData(image, 0, 0);
    frameDrawn = key;
  }
  const rect = imageRect(cw, ch, v, view);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(frameCanvas, rect.left, rect.top, rect.width, rect.height);
  canvas.dataset.imageRect = [rect.left, rect.top, rect.width, rect.height].join(',');
  canvas.dataset.drawn = `${volumeIndex}:${frameIndex}`;
}

function updateHeld(): void {
  if (els) els.held.textContent = `${store.heldFrames} frame${store.heldFrames === 1 ? '' : 's'} held`;
}

function zoomBy(factor: number, x?: number, y?: number): void {
  const v = volume();
  if (!els || !v) return;
  const cw = els.stage.clientWidth;
  const ch = els.stage.clientHeight;
  view = zoomAbout(cw, ch, v, view, factor, x ?? cw / 2, y ?? ch / 2);
  draw();
  saveState();
}

function readoutAt(x: number, y: number): void {
  const v = volume();
  const rect = currentRect();
  if (!els || !v || !rect) return;
  const at = pixelAt(rect, v, x, y);
  const data = store.get(volumeIndex, frameIndex);
  const r = els.readout;
  if (!at || !data) {
    r.textContent = ' ';
    for (const k of ['row', 'column', 'frame', 'value']) delete r.dataset[k];
    return;
  }
  const i = (at.row * v.columns + at.column) * v.channels;
  const where = `row ${at.row}, column ${at.column}, frame ${frameIndex + 1}/${v.frames}`;
  r.dataset.row = String(at.row);
  r.dataset.column = String(at.column);
  r.dataset.frame = String(frameIndex);
  if (v.channels === 3) {
    const rgb = [data[i], data[i + 1], data[i + 2]];
    r.dataset.value = rgb.join(',');
    r.textContent = `${where}: R ${formatNumber(rgb[0])} G ${formatNumber(rgb[1])} B ${formatNumber(rgb[2])}`;
  } else {
    r.dataset.value = String(data[i]);
    r.textContent = `${where}: ${formatNumber(data[i])} ${v.units ?? '(no units)'}`;
  }
}

function wireCanvas(canvas: HTMLCanvasElement, stage: HTMLElement): void {
  let drag: { mode: 'window' | 'pan'; x: number; y: number; start: WindowLevel; view: View; id: number } | undefined;
  const local = (e: MouseEvent): { x: number; y: number } => {
    const b = canvas.getBoundingClientRect();
    return { x: e.clientX - b.left, y: e.clientY - b.top };
  };
  canvas.addEventListener('pointerdown', (e) => {
    const v = volume();
    if (!v) return;
    const pan = e.button === 1 || (e.button === 0 && e.shiftKey);
    if (!pan && e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drag = { mode: pan ? 'pan' : 'window', x: e.clientX, y: e.clientY, start: win, view, id: e.pointerId };
    stage.classList.toggle('panning', pan);
  });
  canvas.addEventListener('pointermove', (e) => {
    const p = local(e);
    if (drag && drag.id === e.pointerId) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      const v = volume();
      if (drag.mode === 'pan') {
        view = { zoom: drag.view.zoom, panX: drag.view.panX + dx, panY: drag.view.panY + dy };
        draw();
      } else if (v && v.channels === 1) {
        const r = v.valueRange;
        const span = r && r.max > r.min ? r.max - r.min : Math.max(drag.start.width, 1);
        const perPx = span / DRAG_SPAN_PX;
        // Right widens the window (less contrast), down raises the level (darker), as radiology viewers do.
        const width = Math.max(span * 1e-4, drag.start.width + dx * perPx);
        setWindow({ center: drag.start.center + dy * perPx, width }, undefined);
      }
    }
    readoutAt(p.x, p.y);
  });
  const end = (e: PointerEvent): void => {
    if (!drag || drag.id !== e.pointerId) return;
    drag = undefined;
    stage.classList.remove('panning');
    saveState();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => {
    if (!drag) readoutAt(-1, -1);
  });
  // No autoscroll on a middle click: the middle button pans.
  canvas.addEventListener('mousedown', (e) => {
    if (e.button === 1) e.preventDefault();
  });
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const p = local(e);
      if (e.ctrlKey || e.metaKey) {
        zoomBy(Math.exp(-e.deltaY * 0.002), p.x, p.y);
        return;
      }
      const dy = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * WHEEL_STEP : e.deltaY;
      wheelTravel += dy;
      if (Math.abs(wheelTravel) < WHEEL_STEP) return;
      const step = Math.sign(wheelTravel);
      wheelTravel = 0;
      setFrame(frameIndex + step);
      readoutAt(p.x, p.y);
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (e) => {
    const v = volume();
    if (!v) return;
    const keys: Record<string, () => void> = {
      ArrowUp: () => setFrame(frameIndex - 1),
      ArrowLeft: () => setFrame(frameIndex - 1),
      PageUp: () => setFrame(frameIndex - 10),
      ArrowDown: () => setFrame(frameIndex + 1),
      ArrowRight: () => setFrame(frameIndex + 1),
      PageDown: () => setFrame(frameIndex + 10),
      Home: () => setFrame(0),
      End: () => setFrame(v.frames - 1),
      '+': () => zoomBy(1.25),
      '=': () => zoomBy(1.25),
      '-': () => zoomBy(1 / 1.25),
      '0': () => {
        view = FIT;
        draw();
      },
    };
    const run = keys[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  });
  new ResizeObserver(() => draw()).observe(stage);
}

function saveState(): void {
  host.saveState({
    volume: volumeIndex,
    frame: frameIndex,
    window: { center: win.center, width: win.width },
    zoom: view.zoom,
    panX: view.panX,
    panY: view.panY,
    metadataOpen,
  });
}

function showError(text: string): void {
  const el = els?.error ?? app.querySelector<HTMLElement>('.error');
  if (!el) {
    app.replaceChildren(h('p', { class: 'error', role: 'alert' }, text));
    return;
  }
  el.textContent = text;
  el.hidden = false;
}

app.replaceChildren(h('p', { class: 'loading' }, 'Reading the image…'));
host.post({ type: 'ready' });
