// Where the image lies on the canvas: fitted to the canvas with its physical aspect (column spacing
// across, row spacing down, so anisotropic pixels are not squashed), then zoomed and panned. Pure
// geometry in CSS pixels; the canvas multiplies by devicePixelRatio itself.
import type { ViewerVolume } from '../../src/protocol/imageViewer';

export interface View {
  readonly zoom: number;
  /** Offset of the image's centre from the canvas centre, CSS px. */
  readonly panX: number;
  readonly panY: number;
}

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export const FIT: View = { zoom: 1, panX: 0, panY: 0 };
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 64;
/** Space kept free around a fitted image, CSS px. */
const MARGIN = 8;

type Geometry = Pick<ViewerVolume, 'rows' | 'columns' | 'spacing'>;

/** The image's physical width and height (mm, or pixels when the spacing is unknown). */
export function physicalSize(v: Geometry): { readonly width: number; readonly height: number } {
  return { width: v.columns * (v.spacing?.column ?? 1), height: v.rows * (v.spacing?.row ?? 1) };
}

export function imageRect(canvasWidth: number, canvasHeight: number, v: Geometry, view: View): Rect {
  const size = physicalSize(v);
  const fit = Math.max(1e-6, Math.min((canvasWidth - 2 * MARGIN) / size.width, (canvasHeight - 2 * MARGIN) / size.height));
  const width = size.width * fit * view.zoom;
  const height = size.height * fit * view.zoom;
  return { left: (canvasWidth - width) / 2 + view.panX, top: (canvasHeight - height) / 2 + view.panY, width, height };
}

/** The pixel (0-based row and column) under a canvas point, or undefined outside the image. */
export function pixelAt(rect: Rect, v: Geometry, x: number, y: number): { readonly row: number; readonly column: number } | undefined {
  const column = Math.floor(((x - rect.left) / rect.width) * v.columns);
  const row = Math.floor(((y - rect.top) / rect.height) * v.rows);
  if (!(column >= 0 && column < v.columns && row >= 0 && row < v.rows)) return undefined;
  return { row, column };
}

/** The view after zooming by `factor` about the canvas point (x, y), which stays over the same image point. */
export function zoomAbout(canvasWidth: number, canvasHeight: number, v: Geometry, view: View, factor: number, x: number, y: number): View {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * factor));
  const before = imageRect(canvasWidth, canvasHeight, v, view);
  const u = (x - before.left) / before.width;
  const w = (y - before.top) / before.height;
  const width = (before.width * zoom) / view.zoom;
  const height = (before.height * zoom) / view.zoom;
  return { zoom, panX: x - u * width - (canvasWidth - width) / 2, panY: y - w * height - (canvasHeight - height) / 2 };
}
