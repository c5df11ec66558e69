// The host edge of cancellation with VS Code's real CancellationTokenSource: cancelling the token
// aborts the AbortSignal the engine receives, and a token cancelled up front gives an aborted signal.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { abortSignalFromToken, describeProgress } from '../../../src/host/cancellation';

describe('cancellation at the host edge', () => {
  it('aborts the signal when the token is cancelled', () => {
    const source = new vscode.CancellationTokenSource();
    const { signal, listener } = abortSignalFromToken(source.token);
    let aborted = 0;
    signal.addEventListener('abort', () => aborted++);
    assert.equal(signal.aborted, false);
    source.cancel();
    assert.equal(signal.aborted, true);
    assert.equal(aborted, 1);
    listener.dispose();
    source.dispose();
  });

  it('starts aborted when the token already is', () => {
    const source = new vscode.CancellationTokenSource();
    source.cancel();
    const { signal, listener } = abortSignalFromToken(source.token);
    assert.equal(signal.aborted, true);
    listener.dispose();
    source.dispose();
  });

  it('formats engine progress as one line', () => {
    assert.equal(describeProgress({ phase: 'generate', done: 2048, total: 4096 }), 'generate 2048/4096');
    assert.equal(describeProgress({ phase: 'fit', message: 'fitting a Gaussian copula' }), 'fit: fitting a Gaussian copula');
  });
});
