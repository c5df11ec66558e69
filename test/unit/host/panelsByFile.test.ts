// One panel per file: the second open of the same report or table reveals the first panel and hands
// it the new content; a closed panel is forgotten. A stand-in panel records what VS Code would see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileKey, PanelsByFile } from '../../../src/host/panelsByFile';

class StandInPanel {
  reveals = 0;
  private listeners: (() => void)[] = [];
  reveal(): void {
    this.reveals++;
  }
  onDidDispose(listener: () => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: (): void => undefined };
  }
  close(): void {
    for (const l of this.listeners) l();
  }
}

describe('PanelsByFile', () => {
  it('reveals the open panel of a file instead of opening another, whatever the path spelling', () => {
    const panels = new PanelsByFile<StandInPanel, string>();
    assert.equal(panels.reveal('/w/runs/a/report.json'), undefined, 'nothing open yet');
    const first = new StandInPanel();
    panels.add('/w/runs/a/report.json', first, 'state-a');
    const again = panels.reveal('/w/runs/a/../a/./report.json');
    assert.equal(again?.panel, first);
    assert.equal(again?.state, 'state-a');
    assert.equal(first.reveals, 1);
    assert.equal(panels.reveal('/w/runs/b/report.json'), undefined, 'another file gets its own panel');
  });

  it('forgets a panel when it is closed, so the next open creates a fresh one', () => {
    const panels = new PanelsByFile<StandInPanel, number>();
    const first = new StandInPanel();
    panels.add('/w/t.csv', first, 1);
    first.close();
    assert.equal(panels.size, 0);
    assert.equal(panels.reveal('/w/t.csv'), undefined);
    // A late close of an old panel must not drop the newer panel of the same file.
    const second = new StandInPanel();
    panels.add('/w/t.csv', second, 2);
    first.close();
    assert.equal(panels.reveal('/w/t.csv')?.panel, second);
  });

  it('folds case only where the file system does', () => {
    assert.equal(fileKey('/W/Data.csv', 'win32'), fileKey('/w/data.csv', 'win32'));
    assert.notEqual(fileKey('/W/Data.csv', 'linux'), fileKey('/w/data.csv', 'linux'));
  });
});
