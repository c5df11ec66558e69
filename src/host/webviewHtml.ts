// The HTML shell of every MedSynth webview. Pure string building (no `vscode` import) so that the
// headless-Chromium tests serve exactly the page, and exactly the CSP, that VS Code shows.

export interface WebviewHtmlOptions {
  readonly title: string;
  /** The app bundle (dist/webview/<app>.js) as a webview URI. */
  readonly scriptUri: string;
  /** Stylesheets (codicon.css, media/*.css) as webview URIs. */
  readonly styleUris: readonly string[];
  /** `webview.cspSource`: the only origin scripts, styles, images and fonts may come from. */
  readonly cspSource: string;
  /** A fresh random nonce per render; only the app script carries it. */
  readonly nonce: string;
  /** Static markup placed in <body> before the app starts (already-escaped HTML). */
  readonly body?: string;
}

/**
 * The Content-Security-Policy of a webview. Scripts run only with the nonce; styles come from the
 * extension's own files or carry the nonce. Lit's constructable stylesheets (adoptedStyleSheets) are
 * not subject to style-src, so 'unsafe-inline' is not needed; the webview tests check this in Chromium.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderWebviewHtml(opts: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(opts.nonce)) {
    // A nonce that could break out of the attribute or be guessed defeats the whole policy.
    throw new Error('webview nonce must be at least 16 base64/alphanumeric characters');
  }
  const styles = opts.styleUris.map((u) => `    <link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(webviewCsp(opts.cspSource, opts.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeText(opts.title)}</title>
  </head>
  <body>
    <div id="app">${opts.body ?? ''}</div>
    <script type="module" nonce="${opts.nonce}" src="${escapeAttr(opts.scriptUri)}"></script>
  </body>
</html>
`;
}

/** A nonce from the platform's CSPRNG (Web Crypto, present in Node 20 and in browsers). */
export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
