// The extensionTestsPath entry: VS Code's extension host loads this bundle and calls run(). It runs the
// mocha suites bundled beside it inside the real extension host, against the installed VSIX, and
// rejects when a test fails so the smoke-test driver reports a non-zero exit to the browser.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  // The Restricted Mode suite needs an untrusted workspace, so it runs alone in its own code-server.
  mocha.grep('Restricted Mode');
  if (process.env.MEDSYNTH_RESTRICTED !== '1') mocha.invert();
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    let passed = 0;
    mocha
      .run((failures) => {
        console.log(`medsynth integration: ${passed} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} integration tests failed`));
        else resolve();
      })
      .on('pass', () => {
        passed++;
      });
  });
}
