// Canvas input for the image viewer: drag to change the window (horizontal = width, vertical = level),
// shift+drag or the middle button to pan, the wheel to step frames, ctrl+wheel and keys to zoom, and the
// status-line readout of the value under the cursor. State lives in main.ts and is reached only through
// the context it passes in.
import type { ViewerVolume } from '../../src/protocol/imageViewer';
import { FIT, pixelAt } from './viewport';
import type { Rect, View } from './viewport';
import { formatNumber } from './windowing';
import type { WindowLevel } from './windowing';

/** Wheel travel (px) per frame step; a mouse notch is about 100. */
const WHEEL_STEP = 40;
/** Window drag: the value range is crossed in this many CSS px. */
const DRAG_SPAN_PX = 512;

/** Wheel travel not yet turned into a frame step; kept by the caller so it outlives a layout. */
export interface WheelState {
  travel: number;
}

/** What the canvas handlers read and change in the viewer. */
export interface CanvasInputContext {
  readonly volume: () => ViewerVolume | undefined;
  readonly frameIndex: () => number;
  readonly window: () => WindowLevel;
  readonly view: () => View;
  readonly setView: (view: View) => void;
  readonly setWindow: (next: WindowLevel) => void;
  readonly setFrame: (frame: number) => void;
  readonly zoomBy: (factor: number, x?: number, y?: number) => void;
  readonly readoutAt: (x: number, y: number) => void;
  readonly draw: () => void;
  readonly saveState: () => void;
  readonly wheel: WheelState;
}

/** Writes the value of frame `data` at canvas point (x, y) into `readout`, or clears it off the image. */
export function showReadout(
  readout: HTMLElement,
  rect: Rect,
  v: ViewerVolume,
  data: Float32Array | undefined,
  frameIndex: number,
  x: number,
  y: number,
): void {
  const at = pixelAt(rect, v, x, y);
  const r = readout;
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

export function wireCanvas(canvas: HTMLCanvasElement, stage: HTMLElement, ctx: CanvasInputContext): void {
  let drag: { mode: 'window' | 'pan'; x: number; y: number; start: WindowLevel; view: View; id: number } | undefined;
  const local = (e: MouseEvent): { x: number; y: number } => {
    const b = canvas.getBoundingClientRect();
    return { x: e.clientX - b.left, y: e.clientY - b.top };
  };
  canvas.addEventListener('pointerdown', (e) => {
    const v = ctx.volume();
    if (!v) return;
    const pan = e.button === 1 || (e.button === 0 && e.shiftKey);
    if (!pan && e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drag = { mode: pan ? 'pan' : 'window', x: e.clientX, y: e.clientY, start: ctx.window(), view: ctx.view(), id: e.pointerId };
    stage.classList.toggle('panning', pan);
  });
  canvas.addEventListener('pointermove', (e) => {
    const p = local(e);
    if (drag && drag.id === e.pointerId) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      const v = ctx.volume();
      if (drag.mode === 'pan') {
        ctx.setView({ zoom: drag.view.zoom, panX: drag.view.panX + dx, panY: drag.view.panY + dy });
        ctx.draw();
      } else if (v && v.channels === 1) {
        const r = v.valueRange;
        const span = r && r.max > r.min ? r.max - r.min : Math.max(drag.start.width, 1);
        const perPx = span / DRAG_SPAN_PX;
        // Right widens the window (less contrast), down raises the level (darker), as radiology viewers do.
        const width = Math.max(span * 1e-4, drag.start.width + dx * perPx);
        ctx.setWindow({ center: drag.start.center + dy * perPx, width });
      }
    }
    ctx.readoutAt(p.x, p.y);
  });
  const end = (e: PointerEvent): void => {
    if (!drag || drag.id !== e.pointerId) return;
    drag = undefined;
    stage.classList.remove('panning');
    ctx.saveState();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => {
    if (!drag) ctx.readoutAt(-1, -1);
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
        ctx.zoomBy(Math.exp(-e.deltaY * 0.002), p.x, p.y);
        return;
      }
      const dy = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * WHEEL_STEP : e.deltaY;
      ctx.wheel.travel += dy;
      if (Math.abs(ctx.wheel.travel) < WHEEL_STEP) return;
      const step = Math.sign(ctx.wheel.travel);
      ctx.wheel.travel = 0;
      ctx.setFrame(ctx.frameIndex() + step);
      ctx.readoutAt(p.x, p.y);
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (e) => {
    const v = ctx.volume();
    if (!v) return;
    const frame = ctx.frameIndex();
    const keys: Record<string, () => void> = {
      ArrowUp: () => ctx.setFrame(frame - 1),
      ArrowLeft: () => ctx.setFrame(frame - 1),
      PageUp: () => ctx.setFrame(frame - 10),
      ArrowDown: () => ctx.setFrame(frame + 1),
      ArrowRight: () => ctx.setFrame(frame + 1),
      PageDown: () => ctx.setFrame(frame + 10),
      Home: () => ctx.setFrame(0),
      End: () => ctx.setFrame(v.frames - 1),
      '+': () => ctx.zoomBy(1.25),
      '=': () => ctx.zoomBy(1.25),
      '-': () => ctx.zoomBy(1 / 1.25),
      '0': () => {
        ctx.setView(FIT);
        ctx.draw();
      },
    };
    const run = keys[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  });
  new ResizeObserver(() => ctx.draw()).observe(stage);
}
