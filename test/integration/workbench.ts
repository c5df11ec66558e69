// Drives a running code-server (a real VS Code 1.139 workbench) from headless Chromium:
//   1. loads the workbench with the smoke-test payload so VS Code runs our mocha suites inside its
//      extension host against the installed VSIX, and waits for codeAutomationExit;
//   2. reloads it as a user would, right-clicks patients.csv in the explorer, reads the context menu,
//      runs the full loop from it and reads the scores inside the report webview's iframe; then clicks
//      the Studio tree's inline actions and a run's context menu (reveal, compare, delete); last, puts a
//      NIfTI volume in the workspace, reads the context menus of its folder and of the file, runs the
//      full loop on it from the menu and reads the image report's section inside the webview.
// Usage (test-integration.sh sets these): PORT, WORKSPACE, TESTS_INDEX, EXTENSION_DIR, RESULTS, RUN_NAME,
// MEDSYNTH_SKIP_UI=1 to run only the suites.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

const env = (name: string): string => process.env[name] ?? fail(`${name} is not set`);
const PORT = env('PORT');
const WORKSPACE = env('WORKSPACE');
const TESTS_INDEX = env('TESTS_INDEX');
const RESULTS = process.env.RESULTS ?? 'test-results';
/** Names this run's logs and screenshots: 'trusted', or 'restricted' for the untrusted workspace. */
const RUN = process.env.RUN_NAME ?? 'trusted';
const ORIGIN = `http://127.0.0.1:${PORT}`;
// Workbench noise that says nothing about MedSynth (offline marketplace, service worker chatter).
const NOISE =
  /Unable to read file .*Canceled|\[AgentHost|\[ChatModelSelection\]|\[AccountPolicyGate\]|open-vsx\.org|Creating a socket|connection token|\[Service Worker\]|builtin extensions cache|grace-time|^\s+at /;
const MENU_ENTRIES = ['Preview Table', 'Run Full Loop (Fit, Generate, Evaluate)', 'Fit Generator', 'Evaluate'];

function fail(message: string): never {
  throw new Error(message);
}

function step(message: string): void {
  console.log(`[workbench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Playwright would otherwise swallow the SIGTERM that `timeout` sends and outlive the test run.
    handleSIGTERM: false,
    handleSIGINT: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Phase 1: the mocha suites in the extension host. Resolves with the exit code VS Code reports. */
async function runExtensionHostSuites(browser: Browser): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const log = fs.createWriteStream(path.join(RESULTS, `integration-extension-host-${RUN}.log`));
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const message = format(...(args ?? []));
    log.write(`${type} ${message}\n`);
    if (!NOISE.test(message)) console.log(type === 'error' ? `[vscode error] ${message.split('\n')[0]}` : message);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  const payload: [string, string][] = [
    ['extensionTestsPath', `vscode-remote://127.0.0.1:${PORT}${TESTS_INDEX}`],
    ['skipWelcome', 'true'],
  ];
  // VS Code runs extensionTestsPath only in an extension-development window; pointing the development
  // path at the installed (unpacked) VSIX keeps the code under test exactly what was packaged.
  if (process.env.EXTENSION_DIR)
    payload.unshift(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${PORT}${process.env.EXTENSION_DIR}`]);
  await page.goto(`${ORIGIN}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const timeoutMs = Number(process.env.MEDSYNTH_SUITE_TIMEOUT_MS ?? 300_000);
  const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-1), timeoutMs))]);
  if (code === -1) step(`extension host suites did not finish within ${timeoutMs} ms`);
  await page.screenshot({ path: path.join(RESULTS, `integration-suites-${RUN}.png`) }).catch(() => undefined);
  await page.close();
  log.end();
  return code;
}

/** Phase 2: what a user sees. Throws with a reason on the first thing that is not there. */
async function driveWorkbench(browser: Browser): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${ORIGIN}/?folder=${encodeURIComponent(WORKSPACE)}`);
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'patients.csv' });
  await row.waitFor({ timeout: 90_000 });
  step('explorer shows patients.csv; opening its context menu');
  const labels = await openContextMenu(page, row);
  await page.screenshot({ path: path.join(RESULTS, 'integration-context-menu.png') });
  step(`context menu: ${labels.join(' | ')}`);
  for (const entry of MENU_ENTRIES) if (!labels.includes(entry)) fail(`explorer context menu lacks "${entry}"`);

  const before = new Set(listRuns());
  await page.locator('.context-view .monaco-menu .action-item', { hasText: 'Run Full Loop' }).first().click();
  step('started Run Full Loop from the context menu; waiting for the report webview');
  const webview = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  const runDir = await waitForNewRun(before, 180_000);
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as {
    metrics: { id: string; score: number | null; descriptor: { title: string } }[];
  };
  await webview.locator('body').filter({ hasText: report.metrics[0].descriptor.title }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000); // let charts finish their first paint before the screenshot
  const text = await webview.locator('body').innerText();
  await page.screenshot({ path: path.join(RESULTS, 'integration-report.png') });
  for (const m of report.metrics) {
    if (!text.includes(m.descriptor.title)) fail(`report webview lacks the metric "${m.descriptor.title}"`);
    if (m.score !== null && !scoreShown(text, m.score)) fail(`report webview does not show ${m.id} = ${m.score}`);
  }
  step(
    `report webview shows ${report.metrics.length} metrics: ${report.metrics.map((m) => `${m.id}=${m.score?.toFixed(3) ?? 'error'}`).join(', ')}`,
  );
  await checkSyntheticPreview(page, webview);
  await checkStudio(page, runDir);
  await checkInspectFromExplorer(page);
  await checkImageViewer(page);
  await checkImageLoopFromExplorer(page);
  await page.close();
}

/** The repository's NIfTI fixture (25 axial slices), copied into the workspace for the image check. */
const IMAGE_FIXTURE = path.resolve('test/fixtures/images/anatomical.nii');
const IMAGE_MENU_ENTRIES = ['Run Full Loop (Fit, Generate, Evaluate)', 'Fit Generator', 'Evaluate'];

/** A row's context-menu entries once they include `expected` (the folder context key arrives a moment after the files); closes the menu. */
async function menuLabelsOnceThere(page: Page, row: Locator, expected: readonly string[]): Promise<string[]> {
  const items = page.locator('.context-view .monaco-menu .action-item .action-label');
  let labels: string[] = [];
  for (let attempt = 0; attempt < 15; attempt++) {
    await row.click({ button: 'right' });
    await items.first().waitFor({ timeout: 15_000 });
    labels = (await items.allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
    if (expected.every((e) => labels.includes(e))) break;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
  }
  await page.keyboard.press('Escape');
  return labels;
}

/**
 * Right-click volumes/ and volumes/anatomical.nii in the explorer: a folder of images offers Fit, Evaluate
 * and Run Full Loop (not Generate); the file offers them too. Run Full Loop from the file's menu makes a run
 * with synthetic/ PNGs and an image report, whose webview shows the images section (nearest neighbours,
 * PNG thumbnails as data: URIs).
 */
async function checkImageLoopFromExplorer(page: Page): Promise<void> {
  const volumes = path.join(WORKSPACE, 'volumes');
  fs.mkdirSync(volumes, { recursive: true });
  fs.copyFileSync(IMAGE_FIXTURE, path.join(volumes, 'anatomical.nii'));
  // The activity-bar icon toggles: clicking it while the explorer shows would hide the side bar.
  if (!(await page.locator('.explorer-folders-view').first().isVisible()))
    await page.locator('.part.activitybar .action-label[aria-label^="Explorer"]').first().click();
  await page.locator('.part.sidebar .action-label[aria-label^="Collapse Folders"]').first().click();
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^volumes$/ });
  await folder.waitFor({ timeout: 30_000 });
  const folderLabels = await menuLabelsOnceThere(page, folder, IMAGE_MENU_ENTRIES);
  step(`volumes/ context menu: ${folderLabels.join(' | ')}`);
  for (const entry of IMAGE_MENU_ENTRIES)
    if (!folderLabels.includes(entry)) fail(`the folder of images lacks "${entry}" in its context menu`);
  if (folderLabels.includes('Generate')) fail('a folder of images offers Generate, which is for generator folders');
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'anatomical.nii' });
  await file.waitFor({ timeout: 30_000 });
  const before = new Set(listRuns());
  const labels = await chooseFromMenu(page, file, 'Run Full Loop');
  await page.screenshot({ path: path.join(RESULTS, 'integration-image-context-menu.png') }).catch(() => undefined);
  step(`anatomical.nii context menu: ${labels.join(' | ')}`);
  for (const entry of IMAGE_MENU_ENTRIES) if (!labels.includes(entry)) fail(`anatomical.nii lacks "${entry}" in its context menu`);
  const runDir = await waitForNewRun(before, 180_000);
  const pngs = fs.readdirSync(path.join(runDir, 'synthetic')).filter((n) => n.endsWith('.png'));
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as {
    modality: string;
    metrics: { id: string; descriptor: { title: string } }[];
  };
  if (report.modality !== 'image') fail(`the run on anatomical.nii made a ${report.modality} report`);
  if (pngs.length === 0) fail(`${runDir}/synthetic holds no PNG`);
  step(`explorer -> Run Full Loop on anatomical.nii made ${path.basename(runDir)}: ${pngs.length} PNGs, an image report`);
  await waitForActiveTab(page, `Report: ${path.basename(runDir)}`);
  const webview = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await webview.locator('body').filter({ hasText: report.metrics[0].descriptor.title }).waitFor({ timeout: 60_000 });
  // The images section (webview/report): the nearest-neighbour gallery, thumbnails as data: PNGs.
  const thumbnails = webview.locator('img[src^="data:image/png"]');
  const nearest = webview.getByText(/Nearest/).first();
  const end = Date.now() + 30_000;
  let shown = { thumbnails: 0, nearest: false };
  while (Date.now() < end) {
    shown = { thumbnails: await thumbnails.count(), nearest: await nearest.isVisible().catch(() => false) };
    if (shown.thumbnails > 0 && shown.nearest) break;
    await page.waitForTimeout(500);
  }
  await nearest.scrollIntoViewIfNeeded().catch(() => undefined);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(RESULTS, 'integration-image-report.png') });
  if (shown.thumbnails === 0 || !shown.nearest)
    fail(`the image report webview shows ${shown.thumbnails} data: PNG images and ${shown.nearest ? 'a' : 'no'} "Nearest" section`);
  step(`image report webview: ${shown.thumbnails} PNG thumbnails and the nearest-neighbour section`);
  await checkGeneratorCard(page, runDir);
}

/**
 * The run's model.onnx, opened by Quick Open, shows MedSynth's generator card (the default editor
 * for .onnx) instead of binary text: the generator's name, its inputs and a Generate button.
 */
async function checkGeneratorCard(page: Page, runDir: string): Promise<void> {
  // Quick Open: the run folder sits folded inside synthetic/, and the file opens with its default editor.
  const relativePath = path.relative(WORKSPACE, path.join(runDir, 'model.onnx')).split(path.sep).join('/');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: 15_000 });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'model.onnx' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await waitForActiveTab(page, 'model.onnx');
  const card = page.frameLocator('iframe.webview.ready >> visible=true').last().frameLocator('iframe#active-frame');
  await card.locator('main.card[data-ready]').waitFor({ timeout: 60_000 });
  const name = (await card.locator('h1.name').innerText()).trim();
  const inputs = await card.locator('section[data-section="inputs"] tbody tr').count();
  const generate = await card.locator('button[data-action="generate"]').isEnabled();
  await page.screenshot({ path: path.join(RESULTS, 'integration-generator-card.png') });
  if (name !== 'ppca' || inputs < 1 || !generate)
    fail(
      `the generator card of ${path.basename(runDir)}/model.onnx shows name "${name}", ${inputs} input(s), Generate ${generate ? 'on' : 'off'}`,
    );
  step(`Quick Open -> ${path.basename(runDir)}/model.onnx opened the generator card: ${name}, ${inputs} input(s), Generate enabled`);
}

/** Right-click images/CT_small.dcm in the explorer -> Inspect Dataset opens the read-only summary. */
async function checkInspectFromExplorer(page: Page): Promise<void> {
  await page.locator('.part.activitybar .action-label[aria-label^="Explorer"]').first().click();
  // Reveal in Explorer (the Studio step) leaves the tree expanded and scrolled to a run folder, where the
  // list no longer renders images/: fold everything first, so images/ is a top row in a known state.
  await page.locator('.part.sidebar .action-label[aria-label^="Collapse Folders"]').first().click();
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^images$/ });
  await folder.waitFor({ timeout: 30_000 });
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'CT_small.dcm' });
  await file.waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
    await page.screenshot({ path: path.join(RESULTS, 'integration-inspect-explorer.png') });
    throw e;
  });
  const tab = page.locator('.tabs-container .tab', { hasText: 'CT_small.dcm.txt' });
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Inspect Dataset' }).first();
  // Right-click only: a left click opens the .dcm in the image viewer, whose focus change can swallow the
  // menu click. The entry is chosen with the keyboard once highlighted, as a menu click can land while
  // the menu still re-renders; retried with a screenshot each time it opens nothing.
  for (let attempt = 1; ; attempt++) {
    await file.click({ button: 'right' });
    await entry.waitFor({ timeout: 15_000 });
    await entry.hover();
    await page.keyboard.press('Enter');
    const opened = await tab.waitFor({ timeout: 20_000 }).then(
      () => true,
      () => false,
    );
    if (opened) break;
    await page.screenshot({ path: path.join(RESULTS, `integration-inspect-attempt-${attempt}.png`) });
    if (attempt === 3)
      fail('Inspect Dataset from the explorer opened no summary tab after 3 attempts (see integration-inspect-attempt-*.png)');
    step(`Inspect Dataset attempt ${attempt} opened no tab; retrying`);
    await page.keyboard.press('Escape');
  }
  const editor = page.locator('.editor-instance .view-lines').last();
  await editor.filter({ hasText: '128 rows x 128 columns' }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(RESULTS, 'integration-inspect.png') });
  step('explorer -> Inspect Dataset on images/CT_small.dcm opened its summary (128 rows x 128 columns)');
}

/** Grey levels drawn on the viewer's canvas: how many distinct ones, and their mean (read from a copy). */
async function canvasStats(viewer: FrameLocator): Promise<{ levels: number; mean: number; center: string }> {
  return viewer.locator('canvas.view').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(canvas, 0, 0);
    const [left, top, width, height] = (canvas.dataset.imageRect ?? '0,0,0,0').split(',').map(Number);
    const dpr = canvas.width / canvas.clientWidth;
    const img = ctx.getImageData(
      Math.floor(left * dpr),
      Math.floor(top * dpr),
      Math.max(1, Math.floor(width * dpr)),
      Math.max(1, Math.floor(height * dpr)),
    );
    const seen = new Set<number>();
    let sum = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      seen.add(img.data[i]);
      sum += img.data[i];
    }
    return { levels: seen.size, mean: sum / (img.data.length / 4), center: canvas.dataset.center ?? '' };
  });
}

/**
 * A click on images/CT_small.dcm in the explorer opens MedSynth's image viewer (the default editor for
 * .dcm): the canvas shows the slice (many grey levels, read back from the canvas through the webview's
 * iframes), and choosing the CT bone window changes the pixels (a wider window: a greyer image).
 */
async function checkImageViewer(page: Page): Promise<void> {
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'CT_small.dcm' });
  await file.dblclick();
  await waitForActiveTab(page, 'CT_small.dcm');
  const viewer = page.frameLocator('iframe.webview.ready >> visible=true').last().frameLocator('iframe#active-frame');
  await viewer.locator('canvas.view[data-drawn]').waitFor({ timeout: 60_000 });
  const before = await canvasStats(viewer);
  if (before.levels < 50) fail(`the viewer's canvas shows ${before.levels} grey levels: blank or flat`);
  await viewer.locator('select.preset').selectOption('ct-bone');
  await viewer.locator('canvas.view[data-center="400"]').waitFor({ timeout: 15_000 });
  const after = await canvasStats(viewer);
  if (Math.abs(after.mean - before.mean) < 1) fail(`the CT bone window did not change the pixels (mean ${before.mean} -> ${after.mean})`);
  await page.screenshot({ path: path.join(RESULTS, 'integration-viewer.png') });
  step(
    `explorer -> CT_small.dcm opened the image viewer: ${before.levels} grey levels, mean ${before.mean.toFixed(1)}; CT bone window -> mean ${after.mean.toFixed(1)}`,
  );
}

/** The report's "Open synthetic data" asks the host by message; the host answers with a table preview. */
async function checkSyntheticPreview(page: Page, report: FrameLocator): Promise<void> {
  await report.getByText('Open synthetic data').first().click();
  await page.locator('.tabs-container .tab', { hasText: 'Preview: synthetic.csv' }).waitFor({ timeout: 30_000 });
  const preview = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await preview.locator('body').filter({ hasText: 'patient_id' }).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(RESULTS, 'integration-synthetic-preview.png') });
  step('report -> "Open synthetic data" opened the table preview of synthetic.csv');
}

/** A row's inline action button (shown on hover), clicked as a user would. */
async function clickInline(row: Locator, label: string): Promise<void> {
  await row.hover();
  const action = row.locator(`.actions .action-label[aria-label="${label}"]`);
  await action.waitFor({ state: 'visible', timeout: 10_000 });
  await action.click();
}

/**
 * Right-clicks a row and chooses a context-menu entry; returns the menu's entries. The entry is chosen
 * with the keyboard once highlighted (a click can land while the menu still re-renders); retried.
 */
async function chooseFromMenu(page: Page, row: Locator, label: string): Promise<string[]> {
  const items = page.locator('.context-view .monaco-menu .action-item');
  for (let attempt = 1; attempt <= 3; attempt++) {
    await row.click({ button: 'right' });
    const entry = items.filter({ hasText: label }).first();
    if (
      await entry.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      )
    ) {
      const labels = (await items.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
      await entry.hover();
      await page.keyboard.press('Enter');
      return labels;
    }
    await page.screenshot({ path: path.join(RESULTS, `integration-studio-menu-attempt-${attempt}.png`) });
    await page.keyboard.press('Escape');
  }
  return fail(`the context menu never offered "${label}" (see integration-studio-menu-attempt-*.png)`);
}

async function waitForActiveTab(page: Page, text: string, timeout = 60_000): Promise<void> {
  await page.locator('.tabs-container .tab.active', { hasText: text }).first().waitFor({ timeout });
}

/**
 * The Studio in MedSynth's activity bar (its own icon): datasets by modality, runs with their verdict,
 * and every action clicked in the tree itself: the inline Preview Table, ▶ Run Full Loop and Open
 * Report, and a run's context menu (Reveal in Explorer, Compare Runs on two selected runs, Delete Run
 * through its modal confirmation).
 */
async function checkStudio(page: Page, explorerRun: string): Promise<void> {
  const studioIcon = page.locator('.part.activitybar .action-label[aria-label^="MedSynth"]').first();
  await studioIcon.click();
  const mask = await studioIcon.evaluate((el) => `${getComputedStyle(el).maskImage} ${getComputedStyle(el).webkitMaskImage}`);
  if (!mask.includes('medsynth-activity.svg')) fail(`the activity-bar icon is not MedSynth's own SVG: ${mask}`);
  const rows = page.locator('.pane-body .monaco-list-row');
  // The activity-bar icon toggles: clicking it while the Studio shows would hide the side bar.
  const showStudio = async (): Promise<void> => {
    if (!(await rows.filter({ hasText: 'Tables' }).first().isVisible())) await studioIcon.click();
    await rows.filter({ hasText: 'Tables' }).first().waitFor({ timeout: 15_000 });
  };
  for (const label of ['Tables', 'Images', 'Signals', 'Runs', 'CT_small.dcm', 'ecg12.hea'])
    await rows.filter({ hasText: label }).first().waitFor({ timeout: 30_000 });
  const table = rows.filter({ hasText: 'patients.csv' }).filter({ hasNotText: ' · ' }).first();
  const runs = rows.filter({ hasText: /fidelity \w+, privacy \w+ · .* · table/ });
  await runs.first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(RESULTS, 'integration-studio.png') });
  step(`studio lists datasets by modality and ${await runs.count()} runs with a verdict`);

  await clickInline(table, 'Preview Table');
  await waitForActiveTab(page, 'Preview: patients.csv');
  step('studio: inline Preview Table on patients.csv opened its preview');

  const before = new Set(listRuns());
  await clickInline(table, 'Run Full Loop (Fit, Generate, Evaluate)');
  const studioRun = await waitForNewRun(before, 180_000);
  await waitForActiveTab(page, `Report: ${path.basename(studioRun)}`);
  step(`studio: inline ▶ Run Full Loop on patients.csv made ${path.basename(studioRun)} and opened its report`);

  // The dataset groups are folded first: with images and signals listed, the older runs sit below the
  // pane's fold, where hovering a row cannot reveal its inline actions.
  for (const group of ['Tables', 'Images', 'Signals', 'Text']) {
    const row = rows.filter({ hasText: new RegExp(`^\\s*${group}\\b`) }).first();
    if ((await row.count()) > 0 && (await row.getAttribute('aria-expanded')) === 'true') await row.click();
  }
  // Newest first: the run just made, then the one made from the explorer.
  const newest = runs.nth(0);
  const older = runs.nth(1);
  await page.locator('.tabs-container .tab', { hasText: 'Preview: patients.csv' }).first().click();
  await clickInline(older, 'Open Report');
  await waitForActiveTab(page, `Report: ${path.basename(explorerRun)}`);
  step('studio: inline Open Report on the older run opened (or focused) its report');

  const labels = await chooseFromMenu(page, newest, 'Reveal in Explorer');
  for (const entry of ['Open Report', 'Compare Runs', 'Generate', 'Reveal in Explorer', 'Delete Run'])
    if (!labels.includes(entry)) fail(`the run context menu lacks "${entry}": ${labels.join(' | ')}`);
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: path.basename(studioRun) })
    .first()
    .waitFor({ timeout: 30_000 });
  step(`studio: run context menu (${labels.join(' | ')}); Reveal in Explorer showed the run folder`);

  await showStudio();
  await newest.click();
  await older.click({ modifiers: ['ControlOrMeta'] });
  await chooseFromMenu(page, older, 'Compare Runs');
  await page.locator('.tabs-container .tab', { hasText: 'Compare' }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(RESULTS, 'integration-compare-runs.png') });
  step('studio: Compare Runs on two selected runs opened the comparison');

  await showStudio();
  await newest.click();
  await chooseFromMenu(page, newest, 'Delete Run');
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Move to Trash' }).first().click({ timeout: 15_000 });
  // A remote file system (code-server) has no trash: the second modal asks to delete permanently.
  const permanently = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Delete Permanently' }).first();
  if (
    await permanently.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    )
  )
    await permanently.click();
  const end = Date.now() + 30_000;
  while (fs.existsSync(studioRun) && Date.now() < end) await page.waitForTimeout(250);
  if (fs.existsSync(studioRun)) fail(`Delete Run left ${studioRun} in place`);
  if (!fs.existsSync(explorerRun)) fail('Delete Run removed a run that was not selected');
  step(`studio: Delete Run (modal confirmation) removed ${path.basename(studioRun)} only`);
}

/**
 * Right-clicks a row and returns the visible menu entries. Extension menus join the workbench only once
 * the remote extension host has scanned the extensions, so an early menu lacks them: close and retry.
 */
async function openContextMenu(page: Page, row: ReturnType<Page['locator']>): Promise<string[]> {
  const items = page.locator('.context-view .monaco-menu .action-item .action-label');
  let labels: string[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    await row.click();
    await row.click({ button: 'right' });
    await items.first().waitFor({ timeout: 15_000 });
    labels = (await items.allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
    if (MENU_ENTRIES.every((e) => labels.includes(e))) return labels;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(2000);
  }
  return labels;
}

/** A score counts as shown when any usual rendering of it (3 or 2 decimals, or a percentage) is there. */
function scoreShown(text: string, score: number): boolean {
  const forms = [
    score.toFixed(3),
    score.toFixed(2),
    `${(score * 100).toFixed(1)}%`,
    `${(score * 100).toFixed(0)}%`,
    `${(score * 100).toFixed(1)} %`,
  ];
  return forms.some((f) => text.includes(f));
}

function listRuns(): string[] {
  const root = path.join(WORKSPACE, 'synthetic');
  return fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((n) => !n.startsWith('.'))
        .map((n) => path.join(root, n))
    : [];
}

async function waitForNewRun(before: ReadonlySet<string>, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const fresh = listRuns().find((r) => !before.has(r) && fs.existsSync(path.join(r, 'report.json')));
    if (fresh) return fresh;
    await new Promise((r) => setTimeout(r, 500));
  }
  return fail(`no new run with report.json under ${WORKSPACE}/synthetic after ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const browser = await launch();
  try {
    const t0 = Date.now();
    const code = await runExtensionHostSuites(browser);
    step(`extension host suites exited with ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (code !== 0) fail('extension host suites failed (see the log above and test-results/integration-extension-host-*.log)');
    if (process.env.MEDSYNTH_SKIP_UI !== '1') {
      const t1 = Date.now();
      await driveWorkbench(browser);
      step(`workbench checks passed after ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`integration: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
