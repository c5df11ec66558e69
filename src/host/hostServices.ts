// What the commands share for the life of the extension: where the extension lives, the log, the one
// inference client (a child process, created lazily and killed on deactivate) and the studio view.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { InferenceClient } from '../engine/inferenceClient';
import type { InspectDocuments } from './inspectCommands';

export interface StudioRefresher {
  refresh(): void;
  /** The run folders the Studio lists, newest first. */
  runDirs(): Promise<string[]>;
}

export class HostServices implements vscode.Disposable {
  readonly inferenceScript: string;
  private client: InferenceClient | undefined;
  studio: StudioRefresher | undefined;
  /** The read-only documents Inspect Dataset opens (set by activate). */
  inspectDocuments: InspectDocuments | undefined;
  /** The read-only markdown documents Compare Runs opens (set by activate). */
  compareDocuments: InspectDocuments | undefined;

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly extensionPath: string,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.inferenceScript = path.join(extensionPath, 'dist', 'inference.js');
  }

  /** Inference log lines go to the MedSynth log at their own level. */
  readonly logInference = (level: 'info' | 'warn' | 'error', message: string): void => this.log[level](`inference: ${message}`);

  /** The inference process client; forks dist/inference.js on first use, and anew after a crash. */
  get inference(): InferenceClient {
    this.client ??= new InferenceClient({
      script: this.inferenceScript,
      onLog: this.logInference,
    });
    return this.client;
  }

  dispose(): void {
    this.client?.dispose();
    this.client = undefined;
  }
}
