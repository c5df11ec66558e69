// The datasets the Studio lists, found in the workspace and grouped by modality: tables (which can be
// fitted), and the images, signals and text files Inspect Dataset reads. A DICOM series is one dataset
// (its folder), not a row per slice; an Analyze pair is its .hdr; a WFDB record is its .hea.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { datasetExtensions, datasetKindOf } from '../core/data/datasetKind';
import type { DatasetKind } from '../core/data/datasetKind';
import type { ModalityId } from '../core/modalities/modality';
import { modalityForKind, requireModalityForKind } from '../core/modalities/registry';
import { findWorkspaceTables, TABLE_EXCLUDE } from './tableCommands';

/** A dataset's modality, as the registry (src/core/modalities/registry.ts) gives it for the dataset's kind. */
export type StudioModality = ModalityId;

export interface StudioDataset {
  readonly uri: vscode.Uri;
  readonly modality: StudioModality;
  /** A DICOM folder's label says how many files it holds. */
  readonly detail?: string;
}

/** Every extension Inspect Dataset reads by name (the explorer menu offers it on the same ones). */
export function inspectableExtensions(): string[] {
  const kinds: DatasetKind[] = ['dicom', 'nifti', 'raster', 'wfdb', 'edf'];
  return kinds.flatMap((k) => datasetExtensions(k));
}

/**
 * The glob for image, signal and text datasets; file names without a telling extension are left out.
 * One flat brace group: VS Code's glob does not nest braces.
 */
export function inspectableGlob(): string {
  return `**/{${[...inspectableExtensions().map((e) => `*.${e}`), 'DICOMDIR', 'tokenizer.json'].join(',')}}`;
}

/** The workspace's datasets outside `excluded` folders (the run output roots), sorted by path. */
export async function findStudioDatasets(excluded: readonly string[], limit = 500): Promise<StudioDataset[]> {
  const outside = (u: vscode.Uri): boolean => !excluded.some((r) => u.fsPath === r || u.fsPath.startsWith(r + path.sep));
  const [tables, others] = await Promise.all([
    findWorkspaceTables(limit),
    vscode.workspace.findFiles(inspectableGlob(), TABLE_EXCLUDE, limit),
  ]);
  const tableModality = requireModalityForKind('table').id;
  const datasets: StudioDataset[] = tables.filter(outside).map((uri) => ({ uri, modality: tableModality }));
  return [...datasets, ...groupInspectable(others.filter(outside))];
}

/** Folds a DICOM series into its folder, an Analyze .img into its .hdr, and drops unknown names. */
export function groupInspectable(files: readonly vscode.Uri[]): StudioDataset[] {
  const dicomByFolder = new Map<string, vscode.Uri[]>();
  const paths = new Set(files.map((f) => f.fsPath.toLowerCase()));
  const out: StudioDataset[] = [];
  for (const uri of files) {
    const kind = datasetKindOf(uri.fsPath);
    if (!kind || kind === 'table') continue;
    if (kind === 'dicom') {
      const dir = path.dirname(uri.fsPath);
      dicomByFolder.set(dir, [...(dicomByFolder.get(dir) ?? []), uri]);
      continue;
    }
    // Analyze 7.5 stores the header in .hdr and the voxels in .img: the pair is one dataset.
    if (/\.img$/i.test(uri.fsPath) && paths.has(uri.fsPath.replace(/\.img$/i, '.hdr').toLowerCase())) continue;
    const modality = modalityForKind(kind);
    if (modality) out.push({ uri, modality: modality.id });
  }
  for (const [dir, members] of dicomByFolder) {
    // A DICOM file or series is the modality of the 'dicom' kind (an image until read: a waveform file is a signal).
    const modality = requireModalityForKind('dicom').id;
    if (members.length === 1) out.push({ uri: members[0], modality });
    else out.push({ uri: vscode.Uri.file(dir), modality, detail: `${members.length} DICOM files` });
  }
  return out.sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
}
