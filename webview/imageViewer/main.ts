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
import { showReadout, wireCanvas } from './canvasInput';
import type { WheelState } from './canvasInput';
import { FrameStore } from './frameStore';
import { layout, renderSide as renderSidePanel } from './layout';
import type { Elements } from './layout';
import { FIT, imageRect, zoomAbout } from './viewport';
import type { Rect, View } from './viewport';
import { formatNumber, renderGrey, renderRgb, windowPresets } from './windowing';
import type { WindowLevel, WindowPreset } from './windowing';

const REQUEST_TIMEOUT_MS = 30_000;
/** Frames asked for ahead of and behind the one shown. */
const PREFETCH = 3;

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
const wheel: WheelState = { travel: 0 };
let restored = false;

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
  doLayout(init, v);
  const match = presets.find((p) => p.center === win.center && p.width === win.width);
  setWindow(win, match?.id);
  ensureFrames();
}

function doLayout(info: ImageViewerInit, v: ViewerVolume): void {
  const prevError = els?.error;
  els = layout(app, info, v, {
    volumeIndex,
    frameIndex,
    presets,
    onSelectVolume: (index) => selectVolume(index),
    onPreset: (id) => {
      const p = presets.find((x) => x.id === id);
      if (p) setWindow(p, p.id);
      saveState();
    },
    onZoom: (factor) => zoomBy(factor),
    onFit: () => {
      view = FIT;
      draw();
      saveState();
    },
    onToggleMetadata: () => {
      metadataOpen = !metadataOpen;
      renderSide();
      draw();
      saveState();
    },
    onFrame: (f) => setFrame(f),
  });
  if (prevError && !prevError.hidden) showError(prevError.textContent ?? '');
  wireCanvas(els.canvas, els.stage, {
    volume,
    frameIndex: () => frameIndex,
    window: () => win,
    view: () => view,
    setView: (next) => {
      view = next;
    },
    setWindow: (next) => setWindow(next, undefined),
    setFrame,
    zoomBy,
    readoutAt,
    draw,
    saveState,
    wheel,
  });
  renderSide();
  updateFrameLabel();
}

function renderSide(): void {
  const v = volume();
  if (!els || !v || !init) return;
  renderSidePanel(
    els.side,
    metadataOpen,
    v,
    revealed.get(volumeIndex),
    init.privacyNote,
    () => host.post({ type: 'revealMetadata', volume: volumeIndex }),
    () => {
      revealed.delete(volumeIndex);
      renderSide();
    },
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
  showReadout(els.readout, rect, v, store.get(volumeIndex, frameIndex), frameIndex, x, y);
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
