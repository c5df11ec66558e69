// The image viewer app in headless Chromium under the real CSP, driven by the host's own message logic
// (src/host/imageViewerMessages.ts) over the real dataset worker (openImageSession, bundled as
// esbuild.mjs bundles it), so the page gets exactly the messages VS Code would deliver. Expected values
// come from elsewhere: modality values from our reader (readDatasetFile, itself checked against pydicom
// and nibabel), grey levels from the PNG writer's displayPixels and from DICOM's VOI formula written out
// here. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import type { Page } from 'playwright-core';
import { displayPixels } from '../../src/core/data/imageDisplay';
import type { ImageVolume } from '../../src/core/data/imageSet';
import type { ImageFrameSession } from '../../src/engine/datasetInspection';
import { openImageSession } from '../../src/engine/datasetInspection';
import { imageViewerHandler } from '../../src/host/imageViewerMessages';
import { parseImageViewerHostMessage, parseImageViewerMessage } from '../../src/protocol/imageViewer';
import type { ImageViewerHostMessage } from '../../src/protocol/imageViewer';
import { readDatasetFile } from '../../src/storage/datasets';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { ROOT } from './realData';

const RESULTS = join(ROOT, 'test-results');
const webviews = useWebviewSession(RESULTS);

const BUNDLE_DIR = join(ROOT, '.cache', `image-viewer-worker-${process.pid}`);
mkdirSync(BUNDLE_DIR, { recursive: true });
const WORKER = join(BUNDLE_DIR, 'datasetWorker.js');
buildSync({
  entryPoints: [join(ROOT, 'src', 'engine', 'datasetWorkerMain.ts')],
  outfile: WORKER,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
});
const sessions: ImageFrameSession[] = [];
after(() => {
  for (const s of sessions) s.close();
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
});

const CT = 'test/fixtures/dicom/pydicom/CT_small.dcm';
const MONO1 = 'test/fixtures/dicom/synthetic/signed12_mono1_2frames.dcm';
const NIFTI = 'test/fixtures/images/anatomical.nii';

/** The volume as our reader reads it: the reference for values, geometry and windows. */
async function readVolume(rel: string): Promise<ImageVolume> {
  const d = await readDatasetFile(join(ROOT, rel));
  assert.equal(d.kind, 'image');
  if (d.kind !== 'image') throw new Error('not an image');
  return d.set.images[0];
}

interface HostLog {
  readonly sent: ImageViewerHostMessage[];
  readonly requests: { volume: number; frame: number }[];
}

/** Opens the viewer on a file with the real host logic; every posted message must pass the host's validator. */
async function openViewer(rel: string, pushBytes?: number): Promise<{ app: AppPage; log: HostLog }> {
  const log: HostLog = { sent: [], requests: [] };
  let session: Promise<ImageFrameSession> | undefined;
  // The page posts `ready` while openApp is still loading it: answers wait for the page object.
  let pageReady: (app: AppPage) => void = () => undefined;
  const opened = new Promise<AppPage>((resolve) => (pageReady = resolve));
  const handler = imageViewerHandler({
    title: rel.split('/').pop() ?? rel,
    file: rel,
    open: () =>
      (session ??= openImageSession(join(ROOT, rel), { script: WORKER }).then((s) => {
        sessions.push(s);
        return s;
      })),
    post: async (m) => {
      // The webview's own validator accepts what the host sends.
      assert.ok(parseImageViewerHostMessage(m), `a valid host message: ${m.type}`);
      log.sent.push(m);
      await (await opened).send(m);
    },
    log: { info: () => undefined, error: () => undefined },
    ...(pushBytes !== undefined ? { pushBytes } : {}),
  });
  const app = await webviews.open('imageViewer', async (raw) => {
    const m = parseImageViewerMessage(raw);
    assert.ok(m, `the host validator accepts every message the webview posts: ${JSON.stringify(raw)}`);
    if (m.type === 'requestFrame') log.requests.push({ volume: m.volume, frame: m.frame });
    await handler.handle(m);
  });
  pageReady(app);
  return { app, log };
}

async function waitDrawn(app: AppPage, frame: number, volume = 0): Promise<void> {
  try {
    await app.page.waitForSelector(`canvas.view[data-drawn="${volume}:${frame}"]`, { timeout: 15_000 });
  } catch (e) {
    throw new Error(`frame ${frame} was never drawn; page problems: ${JSON.stringify(app.problems)}`, { cause: e });
  }
}

interface CanvasRead {
  /** Red channel at the centre of each image pixel, row-major (rows x columns). */
  readonly grey: number[];
  /** Red, green and blue there, interleaved. */
  readonly rgb: number[];
  readonly rect: { left: number; top: number; width: number; height: number };
  readonly center: number;
  readonly width: number;
  /** Bounding box (CSS px) of the canvas pixels that are not transparent. */
  readonly painted: { left: number; top: number; width: number; height: number };
}

/** Reads the canvas back the way an integration test reads it through the webview iframe. */
async function readCanvas(page: Page, rows: number, columns: number): Promise<CanvasRead> {
  // Let the requestAnimationFrame draw land first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(
    ({ rows, columns }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.view');
      if (!canvas?.dataset.imageRect) throw new Error('no image drawn');
      const [left, top, width, height] = canvas.dataset.imageRect.split(',').map(Number);
      const dpr = canvas.width / canvas.clientWidth;
      // A copy, read once: the app's own canvas context is left as it is.
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(canvas, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const grey: number[] = [];
      const rgb: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < columns; c++) {
          const x = Math.floor((left + ((c + 0.5) * width) / columns) * dpr);
          const y = Math.floor((top + ((r + 0.5) * height) / rows) * dpr);
          const at = (y * canvas.width + x) * 4;
          grey.push(img.data[at]);
          rgb.push(img.data[at], img.data[at + 1], img.data[at + 2]);
        }
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let y = 0; y < canvas.height; y++)
        for (let x = 0; x < canvas.width; x++)
          if (img.data[(y * canvas.width + x) * 4 + 3] > 127) {
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
          }
      return {
        grey,
        rgb,
        rect: { left, top, width, height },
        center: Number(canvas.dataset.center),
        width: Number(canvas.dataset.width),
        painted: { left: x0 / dpr, top: y0 / dpr, width: (x1 - x0 + 1) / dpr, height: (y1 - y0 + 1) / dpr },
      };
    },
    { rows, columns },
  );
}

/** The PNG writer's grey levels for frame `frame` under the window (center, width). */
function expectedGrey(v: ImageVolume, frame: number, center: number, width: number): number[] {
  return [...displayPixels({ ...v, windows: [{ center, width }] }, frame, 8)];
}

/** DICOM PS3.3 C.11.2.1.2.1 linear VOI, 8-bit output, written out independently of the app and the writer. */
function voi(x: number, center: number, width: number): number {
  const c = center - 0.5;
  const w = width - 1;
  if (x <= c - w / 2) return 0;
  if (x > c + w / 2) return 255;
  return Math.round(((x - c) / w + 0.5) * 255);
}

/** The page point over the centre of pixel (row, column). */
function pointOf(
  read: CanvasRead,
  v: ImageVolume,
  canvasBox: { x: number; y: number },
  row: number,
  column: number,
): { x: number; y: number } {
  return {
    x: canvasBox.x + read.rect.left + ((column + 0.5) * read.rect.width) / v.columns,
    y: canvasBox.y + read.rect.top + ((row + 0.5) * read.rect.height) / v.rows,
  };
}

async function canvasBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('canvas.view').boundingBox();
  assert.ok(box);
  return box;
}

function mismatches(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((n, x, i) => n + (x === b[i] ? 0 : 1), 0);
}

function assertClean(app: AppPage): void {
  assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
}

describe('image viewer webview', () => {
  it('shows CT_small with the PNG writer’s window, drag changes width and level, presets, and the HU under the cursor', async () => {
    const v = await readVolume(CT);
    const { app, log } = await openViewer(CT);
    const { page } = app;
    await waitDrawn(app, 0);
    // init first, then frame 0 (the only one): frames come after the description.
    assert.deepEqual(
      log.sent.map((m) => m.type),
      ['init', 'frame'],
    );
    const first = await readCanvas(page, v.rows, v.columns);
    assert.ok(new Set(first.grey).size > 100, `not blank: ${new Set(first.grey).size} grey levels`);
    // The default window is the PNG writer's (the reader's min-max for this file), and so is every pixel.
    assert.deepEqual([first.center, first.width], [135.5, 2063]);
    assert.equal(mismatches(first.grey, expectedGrey(v, 0, first.center, first.width)), 0);
    // Mid-grey pixels follow the VOI formula written out above.
    const mid = first.grey.map((g, i) => ({ g, i })).filter(({ g }) => g >= 64 && g <= 192);
    assert.ok(mid.length > 500, `${mid.length} mid-grey pixels`);
    for (const { g, i } of mid) assert.equal(g, voi(v.data[i], first.center, first.width), `pixel ${i}`);
    assert.equal(
      await page.$eval('.preset', (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent),
      'Full range (135.5 / 2063)',
    );
    await page.screenshot({ path: join(RESULTS, 'webview-image-ct.png') });

    // Drag right: a wider window, less contrast: bright pixels get darker, dark ones brighter.
    const box = await canvasBox(page);
    const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 120, start.y, { steps: 6 });
    await page.mouse.up();
    const wider = await readCanvas(page, v.rows, v.columns);
    assert.ok(wider.width > first.width + 300, `width ${first.width} -> ${wider.width}`);
    assert.equal(wider.center, first.center, 'a horizontal drag keeps the level');
    assert.equal(mismatches(wider.grey, expectedGrey(v, 0, wider.center, wider.width)), 0);
    const above = v.data.findIndex((x, i) => x > first.center + 300 && first.grey[i] < 255);
    const below = v.data.findIndex((x, i) => x < first.center - 300 && first.grey[i] > 0);
    assert.ok(wider.grey[above] < first.grey[above], 'a value above the level darkens');
    assert.ok(wider.grey[below] > first.grey[below], 'a value below the level brightens');
    assert.equal(await page.$eval('.preset', (el) => (el as HTMLSelectElement).value), 'custom');

    // Drag down: the level rises, every pixel that is not black or white gets darker.
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x, start.y + 80, { steps: 4 });
    await page.mouse.up();
    const lower = await readCanvas(page, v.rows, v.columns);
    assert.ok(lower.center > wider.center + 100, `level ${wider.center} -> ${lower.center}`);
    assert.equal(lower.width, wider.width, 'a vertical drag keeps the width');
    assert.equal(mismatches(lower.grey, expectedGrey(v, 0, lower.center, lower.width)), 0);
    assert.ok(
      lower.grey.every((g, i) => g <= wider.grey[i]),
      'nothing gets brighter when the level rises',
    );
    assert.ok(lower.grey.some((g, i) => g < wider.grey[i]));

    // Presets: CT's are offered for HU; bone is 400 / 1800.
    const options = await page.$$eval('.preset option', (os) => os.map((o) => o.textContent));
    assert.deepEqual(options, [
      'Full range (135.5 / 2063)',
      'CT brain (40 / 80)',
      'CT lung (−600 / 1500)',
      'CT bone (400 / 1800)',
      'CT abdomen (40 / 400)',
      options[options.length - 1],
    ]);
    await page.selectOption('.preset', 'ct-bone');
    const bone = await readCanvas(page, v.rows, v.columns);
    assert.deepEqual([bone.center, bone.width], [400, 1800]);
    assert.equal(mismatches(bone.grey, expectedGrey(v, 0, 400, 1800)), 0);

    // The value under the cursor, in HU, with its pixel.
    for (const [row, column] of [
      [64, 64],
      [10, 100],
      [127, 0],
    ]) {
      const p = pointOf(bone, v, box, row, column);
      await page.mouse.move(p.x, p.y);
      const readout = await page.$eval('.readout', (el) => {
        const d = (el as HTMLElement).dataset;
        return { row: d.row, column: d.column, frame: d.frame, value: d.value, text: el.textContent };
      });
      const value = v.data[row * v.columns + column];
      assert.deepEqual([readout.row, readout.column, readout.frame], [String(row), String(column), '0']);
      assert.equal(Number(readout.value), value);
      assert.equal(readout.text, `row ${row}, column ${column}, frame 1/1: ${value} HU`);
    }

    // Metadata: nothing to mask in this file; the note says what the readers keep.
    const rows = await page.$$eval('.metadata-table tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-key'), tr.querySelector('td')?.textContent]),
    );
    assert.ok(rows.some(([k, val]) => k === 'modality' && val === 'CT'));
    assert.ok(rows.some(([k, val]) => k === 'pixel spacing (row, column)' && val === '0.661468 × 0.661468 mm'));
    assert.ok(rows.some(([k, val]) => k === 'sopClassUid' && val?.startsWith('1.2.840.10008.5.1.4.1.1.2')));
    assert.equal(await page.$$eval('.metadata-table tr[data-masked]', (els) => els.length), 0);
    assert.equal(await page.$$eval('button.reveal', (els) => els.length), 0);
    assert.match(await page.$eval('.privacy-note', (el) => el.textContent ?? ''), /keep no patient names, ids, birth or study dates/);
    await page.screenshot({ path: join(RESULTS, 'webview-image-ct-bone.png') });
    assertClean(app);
    await page.close();
  });

  it('inverts MONOCHROME1, keeps the spacing’s aspect, and the wheel and slider change the frame', async () => {
    const v = await readVolume(MONO1);
    assert.equal(v.photometric, 'MONOCHROME1');
    const { app } = await openViewer(MONO1);
    const { page } = app;
    await waitDrawn(app, 0);
    const f0 = await readCanvas(page, v.rows, v.columns);
    // The file's first VOI window (SOFT 40 / 400), inverted: displayPixels inverts MONOCHROME1, and so does the formula here.
    assert.deepEqual([f0.center, f0.width], [40, 400]);
    assert.equal(mismatches(f0.grey, expectedGrey(v, 0, 40, 400)), 0);
    f0.grey.forEach((g, i) => assert.equal(g, 255 - voi(v.data[i], 40, 400), `pixel ${i} inverted`));
    // 5 columns of 0.75 mm across, 6 rows of 0.5 mm down: 3.75 mm x 3 mm, wider than tall.
    const aspect = f0.painted.width / f0.painted.height;
    assert.ok(Math.abs(aspect - 1.25) < 0.01, `painted aspect ${aspect}`);
    assert.ok(Math.abs(f0.rect.width / f0.rect.height - 1.25) < 1e-9);
    assert.deepEqual(
      await page.$$eval('.preset option', (os) => os.map((o) => o.textContent)),
      ['SOFT (40 / 400)', 'BONE (300 / 1500)', 'Custom'],
      'no CT presets for an OT image without HU',
    );
    await page.screenshot({ path: join(RESULTS, 'webview-image-mono1.png') });

    // Wheel down: the next frame.
    const box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await waitDrawn(app, 1);
    const f1 = await readCanvas(page, v.rows, v.columns);
    assert.equal(mismatches(f1.grey, expectedGrey(v, 1, 40, 400)), 0);
    assert.notDeepEqual(f1.grey, f0.grey);
    assert.equal(await page.$eval('.frame-label', (el) => el.textContent), 'Frame 2 / 2');
    assert.equal(await page.$eval('.frame-slider', (el) => (el as HTMLInputElement).value), '1');
    // The value readout follows the frame.
    const p = pointOf(f1, v, box, 2, 3);
    await page.mouse.move(p.x, p.y);
    assert.equal(Number(await page.$eval('.readout', (el) => (el as HTMLElement).dataset.value)), v.data[(v.rows + 2) * v.columns + 3]);
    assert.match((await page.$eval('.readout', (el) => el.textContent)) ?? '', /^row 2, column 3, frame 2\/2: .* \(no units\)$/);
    // The slider, with the keyboard: back to the first frame.
    await page.focus('.frame-slider');
    await page.keyboard.press('ArrowLeft');
    await waitDrawn(app, 0);
    assert.equal(mismatches((await readCanvas(page, v.rows, v.columns)).grey, expectedGrey(v, 0, 40, 400)), 0);
    assertClean(app);
    await page.close();
  });

  it('asks for frames on demand when the host pushes only the first (a large series), zooms and pans', async () => {
    const v = await readVolume(NIFTI);
    assert.equal(v.frames, 25);
    // A push budget of one frame: what a series larger than FRAME_PUSH_BYTES gets.
    const { app, log } = await openViewer(NIFTI, 1);
    const { page } = app;
    await waitDrawn(app, 0);
    const init = log.sent.find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init', 'init sent');
    assert.equal(init.init.pushFrames, 1, 'one frame pushed');
    const firstFrame = log.sent.find((m) => m.type === 'frame');
    assert.ok(
      firstFrame && firstFrame.type === 'frame' && firstFrame.frame === 0 && firstFrame.id === undefined,
      'frame 0 is pushed first',
    );
    // Frame 0 is pushed, not asked for; its neighbours are asked for ahead of the user.
    assert.ok(!log.requests.some((r) => r.frame === 0), `frame 0 not requested: ${JSON.stringify(log.requests)}`);
    // The slider to frame 13 (12 steps): the viewer asks for it and draws it.
    await page.focus('.frame-slider');
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    await waitDrawn(app, 12);
    assert.ok(
      log.requests.some((r) => r.frame === 12),
      'frame 12 requested',
    );
    const asked = log.requests.map((r) => r.frame);
    assert.equal(new Set(asked).size, asked.length, `no frame asked for twice: ${asked.join(',')}`);
    const f12 = await readCanvas(page, v.rows, v.columns);
    const win = v.windows[0];
    assert.equal(win.name, 'min-max');
    assert.equal(mismatches(f12.grey, expectedGrey(v, 12, f12.center, f12.width)), 0);
    // The readout equals the reader's value (NIfTI: no units).
    const box = await canvasBox(page);
    const p = pointOf(f12, v, box, 20, 16);
    await page.mouse.move(p.x, p.y);
    assert.equal(
      Number(await page.$eval('.readout', (el) => (el as HTMLElement).dataset.value)),
      v.data[(12 * v.rows + 20) * v.columns + 16],
    );

    // Ctrl+wheel zooms about the cursor: the pixel under it stays under it.
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    const zoomed = await readCanvas(page, v.rows, v.columns);
    assert.ok(zoomed.rect.width > f12.rect.width * 1.5, `zoomed ${f12.rect.width} -> ${zoomed.rect.width}`);
    await page.mouse.move(p.x + 0.01, p.y);
    assert.deepEqual(await page.$eval('.readout', (el) => [(el as HTMLElement).dataset.row, (el as HTMLElement).dataset.column]), [
      '20',
      '16',
    ]);
    // Shift+drag pans by the distance dragged.
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(p.x - 60, p.y + 40, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const panned = await readCanvas(page, v.rows, v.columns);
    assert.ok(
      Math.abs(panned.rect.left - zoomed.rect.left + 60) < 0.1 && Math.abs(panned.rect.top - zoomed.rect.top - 40) < 0.1,
      `panned ${JSON.stringify(zoomed.rect)} -> ${JSON.stringify(panned.rect)}`,
    );
    assert.deepEqual([panned.center, panned.width], [zoomed.center, zoomed.width], 'panning leaves the window alone');
    await page.screenshot({ path: join(RESULTS, 'webview-image-nifti-zoomed.png') });
    await page.click('button[data-action="fit"]');
    const fitted = await readCanvas(page, v.rows, v.columns);
    assert.deepEqual(fitted.rect, f12.rect);

    // The NIfTI description is free text: masked, and not in any message until Reveal.
    const masked = await page.$$eval('.metadata-table tr[data-masked="masked"]', (trs) => trs.map((tr) => tr.getAttribute('data-key')));
    assert.deepEqual(masked, ['description']);
    assert.ok(!JSON.stringify(init).includes('spm - 3D normalized'), 'the masked value is not sent before Reveal');
    await page.click('button.reveal[data-action="reveal"]');
    await page.waitForSelector('.metadata-table tr[data-key="description"][data-masked="revealed"]');
    assert.equal(await page.$eval('.metadata-table tr[data-key="description"] td', (el) => el.textContent), 'spm - 3D normalized');
    await page.screenshot({ path: join(RESULTS, 'webview-image-nifti-revealed.png') });
    await page.click('button.reveal[data-action="hide"]');
    await page.waitForSelector('.metadata-table tr[data-key="description"][data-masked="masked"]');
    assertClean(app);
    await page.close();
  });

  it('switches the series of a DICOMDIR, asking for the frames of the series shown; CT presets only for HU', async () => {
    const rel = 'test/fixtures/dicom/pydicom/dicomdirtests/DICOMDIR';
    const read = await readDatasetFile(join(ROOT, rel));
    assert.ok(read.kind === 'image');
    const series = read.set.images;
    assert.equal(series.length, 13);
    const { app, log } = await openViewer(rel);
    const { page } = app;
    await waitDrawn(app, 0);
    const cr = series[0];
    assert.deepEqual([cr.photometric, cr.units], ['MONOCHROME1', 'OD']);
    const first = await readCanvas(page, cr.rows, cr.columns);
    assert.equal(mismatches(first.grey, expectedGrey(cr, 0, cr.windows[0].center, cr.windows[0].width)), 0);
    assert.ok(
      !(await page.$$eval('.preset option', (os) => os.map((o) => (o as HTMLOptionElement).value))).includes('ct-bone'),
      'no CT presets for CR in OD',
    );
    assert.equal(await page.$$eval('.volume option', (os) => os.length), 13);
    // series-4: four CT slices in HU, asked for on demand (only series 1 is pushed).
    await page.selectOption('.volume', '3');
    await waitDrawn(app, 0, 3);
    const ct = series[3];
    assert.ok(log.requests.some((r) => r.volume === 3 && r.frame === 0));
    const shown = await readCanvas(page, ct.rows, ct.columns);
    assert.deepEqual([shown.center, shown.width], [30, 100]);
    assert.equal(mismatches(shown.grey, expectedGrey(ct, 0, 30, 100)), 0);
    assert.ok((await page.$$eval('.preset option', (os) => os.map((o) => (o as HTMLOptionElement).value))).includes('ct-bone'));
    const box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await waitDrawn(app, 1, 3);
    assert.equal(mismatches((await readCanvas(page, ct.rows, ct.columns)).grey, expectedGrey(ct, 1, 30, 100)), 0);
    await page.mouse.move(box.x + shown.rect.left + shown.rect.width / 32, box.y + shown.rect.top + shown.rect.height / 32);
    assert.equal(await page.$eval('.readout', (el) => el.textContent), `row 0, column 0, frame 2/4: ${ct.data[ct.rows * ct.columns]} HU`);
    assert.equal(await page.$eval('.metadata h2', (el) => el.textContent), 'series-4');
    // The series reader's gap note names files by their DICOMDIR folders (77654033 is this set's patient id): masked.
    assert.equal(await page.$eval('.metadata-table tr[data-key="sliceGap"]', (el) => el.getAttribute('data-masked')), 'masked');
    assert.ok(!(await page.$eval('.metadata', (el) => el.textContent ?? '')).includes('77654033'));
    await page.screenshot({ path: join(RESULTS, 'webview-image-dicomdir.png') });
    assertClean(app);
    await page.close();
  });

  it('shows RGB without a window and reads out the three channels', async () => {
    const rel = 'test/fixtures/dicom/pydicom/SC_rgb_small_odd.dcm';
    const v = await readVolume(rel);
    assert.equal(v.channels, 3);
    const { app } = await openViewer(rel);
    const { page } = app;
    await waitDrawn(app, 0);
    const shown = await readCanvas(page, v.rows, v.columns);
    assert.deepEqual(shown.rgb, [...displayPixels(v, 0, 8)]);
    assert.equal(await page.$$eval('.preset', (els) => els.length), 0, 'no window presets for colour');
    const box = await canvasBox(page);
    const p = pointOf(shown, v, box, 1, 2);
    await page.mouse.move(p.x, p.y);
    const i = (1 * v.columns + 2) * 3;
    assert.equal(
      await page.$eval('.readout', (el) => el.textContent),
      `row 1, column 2, frame 1/1: R ${v.data[i]} G ${v.data[i + 1]} B ${v.data[i + 2]}`,
    );
    // A left drag does not window colour.
    await page.mouse.down();
    await page.mouse.move(p.x + 50, p.y + 50, { steps: 3 });
    await page.mouse.up();
    assert.deepEqual((await readCanvas(page, v.rows, v.columns)).rgb, shown.rgb);
    await page.screenshot({ path: join(RESULTS, 'webview-image-rgb.png') });
    assertClean(app);
    await page.close();
  });

  it('ignores bad messages with an error shown, and keeps drawing', async () => {
    const v = await readVolume(MONO1);
    const { app } = await openViewer(MONO1);
    const { page } = app;
    await waitDrawn(app, 0);
    const before = await readCanvas(page, v.rows, v.columns);
    const errorText = (): Promise<string> =>
      page.$eval('.toolbar .error', (el) => ((el as HTMLElement).hidden ? '' : (el.textContent ?? '')));
    // A frame of the wrong length is not drawn.
    await app.send({ type: 'frame', volume: 0, frame: 0, data: new Float32Array(7) });
    await page.waitForFunction(() => !(document.querySelector('.toolbar .error') as HTMLElement).hidden);
    assert.match(await errorText(), /ignored frame 1 of .*: 7 values, expected 30/);
    // A frame of a volume the file does not have, an init without volumes, an unknown type, a non-number frame.
    await app.send({ type: 'frame', volume: 3, frame: 0, data: new Float32Array(30) });
    assert.match(await errorText(), /ignored a frame of volume 4/);
    await app.send({ type: 'init', init: { title: 'x', format: 'dicom', volumes: [], pushFrames: 0, privacyNote: '' } });
    assert.match(await errorText(), /ignored a malformed "init" message/);
    await app.send({ type: 'paint', what: 'everything' });
    assert.match(await errorText(), /ignored a malformed "paint" message/);
    await app.send({ type: 'frame', volume: 0, frame: 'one', data: [1, 2, 3] });
    assert.match(await errorText(), /ignored a malformed "frame" message/);
    // The host's error reaches the page as it is.
    await app.send({ type: 'error', message: 'the reader stopped' });
    assert.equal(await errorText(), 'the reader stopped');
    const after = await readCanvas(page, v.rows, v.columns);
    assert.deepEqual(after.grey, before.grey, 'the image is unchanged');
    await page.screenshot({ path: join(RESULTS, 'webview-image-bad-message.png') });
    assertClean(app);
    await page.close();
  });

  it('has validators that refuse malformed messages on both sides', () => {
    assert.deepEqual(parseImageViewerMessage({ type: 'requestFrame', id: 1, volume: 0, frame: 3 }), {
      type: 'requestFrame',
      id: 1,
      volume: 0,
      frame: 3,
    });
    for (const bad of [
      null,
      [],
      { type: 'requestFrame', id: -1, volume: 0, frame: 0 },
      { type: 'requestFrame', id: 1, volume: 0, frame: 1.5 },
      { type: 'requestFrame', id: 1, volume: '0', frame: 0 },
      { type: 'revealMetadata' },
      { type: 'openFile', path: '/etc/passwd' },
    ])
      assert.equal(parseImageViewerMessage(bad), undefined, JSON.stringify(bad));
    const frame = parseImageViewerHostMessage({ type: 'frame', volume: 0, frame: 0, data: new Float32Array([1, 2]).buffer });
    assert.ok(
      frame && frame.type === 'frame' && frame.data instanceof Float32Array && frame.data.length === 2,
      'a bare ArrayBuffer is read as float32',
    );
    for (const bad of [
      { type: 'frame', volume: 0, frame: 0, data: [1, 2] },
      { type: 'frame', volume: 0, frame: 0, data: new Uint16Array(2) },
      { type: 'frame', volume: 0, frame: 0, data: new ArrayBuffer(3) },
      { type: 'metadataRevealed', volume: 0, rows: [{ key: 'x' }] },
      { type: 'error' },
    ])
      assert.equal(parseImageViewerHostMessage(bad), undefined, JSON.stringify(bad));
  });
});
