// Drives a running code-server (a real VS Code 1.139 workbench) from headless Chromium:
//   1. loads the workbench with the smoke-test payload so VS Code runs our mocha suites inside its
//      extension host against the installed VSIX, and waits for codeAutomationExit;
//   2. reloads it as a user would, right-clicks patients.csv in the explorer, reads the context menu,
//      runs the full loop from it and reads the scores inside the report webview's iframe.
// Usage (test-integration.sh sets these): PORT, WORKSPACE, TESTS_INDEX, EXTENSION_DIR, RESULTS, RUN_NAME,
// MEDSYNTH_SKIP_UI=1 to run only the suites.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Page } from 'playwright-core';

const env = (name: string): string => process.env[name] ?? fail(`${name} is not set`);
const PORT = env('PORT');
const WORKSPACE = env('WORKSPACE');
const TESTS_INDEX = env('TESTS_INDEX');
const RESULTS = process.env.RESULTS ?? 'test-results';
/** Names this run's logs and screenshots: 'trusted', or 'restricted' for the untrusted workspace. */
const RUN = process.env.RUN_NAME ?? 'trusted';
const ORIGIN = `http://127.0.0.1:${PORT}`;
// Workbench noise that says nothing about MedSynth (offline marketplace, service worker chatter).
const NOISE = /Unable to read file .*Canceled|\[AgentHost|\[ChatModelSelection\]|\[AccountPolicyGate\]|open-vsx\.org|Creating a socket|connection token|\[Service Worker\]|builtin extensions cache|grace-time|^\s+at /;
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
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
  const payload: [string, string][] = [['extensionTestsPath', `vscode-remote://127.0.0.1:${PORT}${TESTS_INDEX}`], ['skipWelcome', 'true']];
  // VS Code runs extensionTestsPath only in an extension-development window; pointing the development
  // path at the installed (unpacked) VSIX keeps the code under test exactly what was packaged.
  if (process.env.EXTENSION_DIR) payload.unshift(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${PORT}${process.env.EXTENSION_DIR}`]);
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
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as { metrics: { id: string; score: number | null; descriptor: { title: string } }[] };
  await webview.locator('body').filter({ hasText: report.metrics[0].descriptor.title }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000); // let charts finish their first paint before the screenshot
  const text = await webview.locator('body').innerText();
  await page.screenshot({ path: path.join(RESULTS, 'integration-report.png') });
  for (const m of report.metrics) {
    if (!text.includes(m.descriptor.title)) fail(`report webview lacks the metric "${m.descriptor.title}"`);
    if (m.score !== null && !scoreShown(text, m.score)) fail(`report webview does not show ${m.id} = ${m.score}`);
  }
  step(`report webview shows ${report.metrics.length} metrics: ${report.metrics.map((m) => `${m.id}=${m.score?.toFixed(3) ?? 'error'}`).join(', ')}`);
  await checkSyntheticPreview(page, webview);
  await checkStudio(page, path.basename(runDir));
  await checkInspectFromExplorer(page);
  await page.close();
}

/** Right-click images/CT_small.dcm in the explorer -> Inspect Dataset opens the read-only summary. */
async function checkInspectFromExplorer(page: Page): Promise<void> {
  await page.locator('.part.activitybar .action-label[aria-label^="Explorer"]').first().click();
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^images$/ });
  await folder.waitFor({ timeout: 30_000 });
  await folder.click();
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'CT_small.dcm' });
  await file.waitFor({ timeout: 30_000 });
  const tab = page.locator('.tabs-container .tab', { hasText: 'CT_small.dcm.txt' });
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Inspect Dataset' }).first();
  // Right-click only: a left click would open the binary .dcm in an editor, whose focus change can swallow
  // the menu click. The entry is chosen with the keyboard once highlighted, as a menu click can land while
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
    if (attempt === 3) fail('Inspect Dataset from the explorer opened no summary tab after 3 attempts (see integration-inspect-attempt-*.png)');
    step(`Inspect Dataset attempt ${attempt} opened no tab; retrying`);
    await page.keyboard.press('Escape');
  }
  const editor = page.locator('.editor-instance .view-lines').last();
  await editor.filter({ hasText: '128 rows x 128 columns' }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(RESULTS, 'integration-inspect.png') });
  step('explorer -> Inspect Dataset on images/CT_small.dcm opened its summary (128 rows x 128 columns)');
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

/** The Studio view in MedSynth's activity bar lists the workspace tables and the run just made. */
async function checkStudio(page: Page, runName: string): Promise<void> {
  await page.locator('.part.activitybar .action-label[aria-label^="MedSynth"]').first().click();
  const tree = page.locator('.pane-body .monaco-list-row');
  for (const label of ['Datasets', 'patients.csv', 'Runs', runName]) {
    await tree.filter({ hasText: label }).first().waitFor({ timeout: 30_000 });
  }
  await page.screenshot({ path: path.join(RESULTS, 'integration-studio.png') });
  step(`studio lists patients.csv and the run ${runName}`);
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
  const forms = [score.toFixed(3), score.toFixed(2), `${(score * 100).toFixed(1)}%`, `${(score * 100).toFixed(0)}%`, `${(score * 100).toFixed(1)} %`];
  return forms.some((f) => text.includes(f));
}

function listRuns(): string[] {
  const root = path.join(WORKSPACE, 'synthetic');
  return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => !n.startsWith('.')).map((n) => path.join(root, n)) : [];
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
