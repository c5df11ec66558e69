// The report panel: shows a Report (report.json) with scores, per-column histograms and the DCR
// histogram. The report is small and pre-binned, so it goes whole in `init`; actions come back as
// validated messages and get an `actionResult` naming the request.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MedSynthError } from '../core/errors';
import type { Report } from '../core/report/model';
import { renderReportHtml } from '../core/report/html';
import { renderReportMarkdown } from '../core/report/markdown';
import { parseReportMessage } from '../protocol/report';
import type { ReportAction, ReportHostMessage, ReportWebviewMessage } from '../protocol/report';
import { writeFileAtomic } from '../storage/atomic';
import { modalityById } from '../core/modalities/registry';
import { PanelsByFile } from './panelsByFile';
import { createMedSynthPanel, disposeWithPanel, onValidatedMessage } from './webviewPanels';

export interface ReportPanelHooks {
  /** Opens a table (the synthetic data) in the table preview. */
  readonly openTable: (file: string) => Promise<unknown>;
}

/** Reads and minimally checks a report.json: the webview must never be handed something else. */
export async function readReport(file: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new MedSynthError('BAD_INPUT', `cannot read the report: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const r = json as Partial<Report> | null;
  if (!r || r.schema !== 'medsynth.report/1' || !Array.isArray(r.metrics) || !Array.isArray(r.columns)) {
    throw new MedSynthError('BAD_INPUT', 'not a MedSynth report', {
      file,
      expected: 'schema "medsynth.report/1" with metrics and columns',
    });
  }
  return r as Report;
}

/**
 * The synthetic dataset beside a report: the report's own path first, then the run folder's usual
 * name for the report's modality (the registry: tables write synthetic.csv).
 */
async function syntheticFileFor(report: Report, reportPath: string): Promise<string | undefined> {
  const usual = modalityById(report.modality)?.outputs?.defaultFile;
  const candidates = [report.synth.file, usual !== undefined ? path.join(path.dirname(reportPath), usual) : undefined].filter(
    (f): f is string => typeof f === 'string',
  );
  for (const f of candidates) {
    const abs = path.isAbsolute(f) ? f : path.join(path.dirname(reportPath), f);
    // A file (a synthetic table), or the folder of one file per sample a folder modality writes (images).
    if (
      await fs.stat(abs).then(
        (s) => s.isFile() || (s.isDirectory() && modalityById(report.modality)?.outputs?.itemFormats !== undefined),
        () => false,
      )
    )
      return abs;
  }
  return undefined;
}

/** A report panel's way to take the report again when its file is opened again (it may have been re-evaluated). */
type Refresh = (report: Report) => Promise<void>;

const reports = new PanelsByFile<vscode.WebviewPanel, Refresh>();

/** Shows a report, or brings the panel already showing this report.json to the front with its fresh content. */
export async function showReport(
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
  reportPath: string,
  first: Report,
  hooks: ReportPanelHooks,
): Promise<vscode.WebviewPanel> {
  const open = reports.reveal(reportPath);
  if (open) {
    await open.state(first);
    return open.panel;
  }
  const runName = path.basename(path.dirname(reportPath));
  const panel = createMedSynthPanel(extensionUri, { viewType: 'medsynth.report', title: `Report: ${runName}`, app: 'report' });
  let report = first;
  let synthetic = await syntheticFileFor(report, reportPath);
  const post = (m: ReportHostMessage): void => {
    void panel.webview.postMessage(m);
  };
  reports.add(reportPath, panel, async (fresh) => {
    report = fresh;
    synthetic = await syntheticFileFor(report, reportPath);
    post({ type: 'init', report, canOpenSynthetic: synthetic !== undefined });
  });
  // Exports go where the user says, written atomically; the default is beside report.json in the run.
  const exportReport = async (ext: 'html' | 'md', render: () => string): Promise<string> => {
    const defaultUri = vscode.Uri.file(path.join(path.dirname(reportPath), `report.${ext}`));
    const target = await vscode.window.showSaveDialog({ defaultUri, filters: ext === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] } });
    if (!target) return 'export cancelled';
    await writeFileAtomic(target.fsPath, new TextEncoder().encode(render()));
    return `saved ${target.fsPath}`;
  };
  const runAction = async (action: ReportAction): Promise<string> => {
    switch (action) {
      case 'exportHtml':
        return exportReport('html', () => renderReportHtml(report));
      case 'exportMarkdown':
        return exportReport('md', () => renderReportMarkdown(report));
      case 'openSynthetic':
        if (!synthetic) throw new MedSynthError('BAD_INPUT', 'the synthetic data of this report is not on disk');
        if (
          await fs.stat(synthetic).then(
            (st) => st.isDirectory(),
            () => false,
          )
        ) {
          // A folder of synthetic images: shown in the explorer, where each file opens in the viewer.
          await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(synthetic));
          return `revealed ${path.basename(synthetic)} in the explorer`;
        }
        await hooks.openTable(synthetic);
        return `opened ${path.basename(synthetic)}`;
    }
  };
  const handle = async (m: ReportWebviewMessage): Promise<void> => {
    if (m.type === 'ready') {
      post({ type: 'init', report, canOpenSynthetic: synthetic !== undefined });
      return;
    }
    try {
      post({ type: 'actionResult', id: m.id, ok: true, message: await runAction(m.action) });
    } catch (e) {
      post({ type: 'actionResult', id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  };
  disposeWithPanel(panel, [onValidatedMessage(panel, parseReportMessage, handle, log)]);
  log.info(
    `report ${reportPath}: ${report.metrics.map((m) => `${m.id}=${m.score ?? (m.notApplicable !== undefined ? 'n/a' : 'error')}`).join(', ')}`,
  );
  return panel;
}

/** Scores by metric id, as commands return them (null when a metric failed). */
export function scoresOf(report: Report): Record<string, number | null> {
  return Object.fromEntries(report.metrics.map((m) => [m.id, m.score]));
}
