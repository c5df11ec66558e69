// Test harness for the webview apps: a local HTTP server on 127.0.0.1 that serves the built bundles and
// a page made by the real renderWebviewHtml (same CSP as in VS Code), and a headless Debian Chromium
// whose page gets a stub acquireVsCodeApi wired to a test-side "host".
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { createNonce, renderWebviewHtml } from '../../src/host/webviewHtml';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'webview');
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

export interface WebviewServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves /dist/webview/* and /test-theme.css, and /<app>.html as VS Code would render that panel. */
export async function startWebviewServer(): Promise<WebviewServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    // Chromium asks for a favicon on its own; VS Code webviews never do, so answer with nothing.
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    const page = /^\/([A-Za-z]+)\.html$/.exec(url.pathname);
    if (page) {
      const origin = `http://${req.headers.host ?? ''}`;
      const app = page[1];
      // ?bare=1 leaves out the stand-in theme, for tests that inject a theme the way VS Code does.
      const theme = url.searchParams.get('bare') === '1' ? [] : [`${origin}/test-theme.css`];
      send(
        200,
        'text/html; charset=utf-8',
        renderWebviewHtml({
          title: app,
          scriptUri: `${origin}/dist/webview/${app}.js`,
          // The same stylesheets the host's createMedSynthPanel passes, plus a stand-in for VS Code's theme.
          styleUris: [...theme, `${origin}/dist/webview/codicon.css`, `${origin}/dist/webview/${app}.css`],
          cspSource: origin,
          nonce: createNonce(),
        }),
      );
      return;
    }
    const file =
      url.pathname === '/test-theme.css'
        ? join(__dirname, 'theme.css')
        : url.pathname.startsWith('/dist/webview/')
          ? normalize(join(DIST, url.pathname.slice('/dist/webview/'.length)))
          : undefined;
    if (!file || !(file === join(__dirname, 'theme.css') || file.startsWith(DIST + sep))) return send(404, 'text/plain', 'not found');
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'medsynth-webview-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.MEDSYNTH_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    handleSIGTERM: false,
    handleSIGINT: false,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async (): Promise<void> => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The stub acquireVsCodeApi, as source text: tsx would wrap a function literal with helpers that do
 * not exist in the page. It reports CSP violations too, which the console alone does not always show.
 */
const STUB_VSCODE_API = `
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__medsynthCsp(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (m) => window.__medsynthPost(JSON.parse(JSON.stringify(m))),
      getState: () => window.__medsynthState,
      setState: (s) => { window.__medsynthState = s; },
    };
  };
`;

export interface AppPage {
  readonly page: Page;
  /** Every message the webview posted, in order. */
  readonly posted: unknown[];
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[];
  /** Sends a message to the webview the way VS Code delivers one (a window `message` event). */
  send(message: unknown): Promise<void>;
  /** Resolves with the first posted message that matches, already posted or still to come. */
  waitForPosted(match: (m: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
}

/** Opens one app page; `host` answers each posted message (a stand-in for the extension host). */
export interface OpenAppOptions {
  /** Serve the page without test/webview/theme.css (the test then applies a theme itself). */
  readonly bare?: boolean;
}

export async function openApp(
  browser: TestBrowser,
  server: WebviewServer,
  app: string,
  host: (message: unknown, app: AppPage) => void | Promise<void>,
  opts: OpenAppOptions = {},
): Promise<AppPage> {
  const page = await browser.context.newPage();
  const posted: unknown[] = [];
  const problems: string[] = [];
  const waiters: { match: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const appPage: AppPage = {
    page,
    posted,
    problems,
    send: async (message) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    waitForPosted: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const seen = posted.find(match);
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`no matching message from the ${app} webview within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      }),
  };
  await page.exposeFunction('__medsynthPost', (message: unknown) => {
    posted.push(message);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].match(message)) waiters.splice(i, 1)[0].resolve(message);
    }
    void Promise.resolve(host(message, appPage)).catch((e: unknown) => problems.push(`host error: ${String(e)}`));
  });
  await page.exposeFunction('__medsynthCsp', (text: string) => problems.push(`CSP violation: ${text}`));
  // Init scripts run before the page's own scripts and are not subject to its CSP, like VS Code's
  // injected preload that defines acquireVsCodeApi.
  await page.addInitScript({ content: STUB_VSCODE_API });
  await page.goto(`${server.origin}/${app}.html${opts.bare ? '?bare=1' : ''}`);
  return appPage;
}

export interface WebviewSession {
  /** Opens an app page in the session's browser (see openApp). */
  open(app: string, host: (message: unknown, app: AppPage) => void | Promise<void>, opts?: OpenAppOptions): Promise<AppPage>;
}

/** Starts the page server and Chromium before a test file's tests and stops both after them. */
export function useWebviewSession(resultsDir: string): WebviewSession {
  let server: WebviewServer | undefined;
  let browser: TestBrowser | undefined;
  before(async () => {
    await mkdir(resultsDir, { recursive: true });
    server = await startWebviewServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    open: (app, host, opts) => {
      if (!browser || !server) throw new Error('the webview session is not started: call open() inside a test');
      return openApp(browser, server, app, host, opts);
    },
  };
}
