// The datasets the Studio lists, found in the workspace and grouped by modality: tables (which can be
// fitted), and the images, signals and text files Inspect Dataset reads. A DICOM series is one dataset
// (its folder), not a row per slice; an Analyze pair is its .hdr; a WFDB record is its .hea.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { datasetExtensions, datasetKindOf } from '../core/data/datasetKind';
import type { DatasetKind } from '../core/data/datasetKind';
import type { ModalityId } from '../core/modalities/modality';
import { modalityById, modalityForKind, requireModalityForKind } from '../core/modalities/registry';
import type { DatasetUse } from './commandContext';
import { modalityServes, readsFolders } from './commandContext';
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

/** A folder holding more files of one folder-read modality than this is offered as the folder alone. */
const LISTED_FILES_PER_FOLDER = 3;

/**
 * The datasets Fit, Evaluate and the full loop can be pointed at (pickers): tables, image files and
 * folders (a DICOM series, a folder of images: the readers of those modalities take a folder as one
 * dataset), of the modalities that serve `use`. A folder with many images is offered as the folder,
 * not image by image. Includes run folders' outputs (a run's synthetic/ folder); callers split them off.
 */
export async function findPickableDatasets(use: DatasetUse, limit = 2000): Promise<StudioDataset[]> {
  const [tables, others] = await Promise.all([
    findWorkspaceTables(limit),
    vscode.workspace.findFiles(inspectableGlob(), TABLE_EXCLUDE, limit),
  ]);
  const tableModality = requireModalityForKind('table').id;
  const grouped: StudioDataset[] = [...tables.map((uri) => ({ uri, modality: tableModality })), ...groupInspectable(others)];
  const byFolder = new Map<string, StudioDataset[]>();
  for (const d of grouped) {
    const m = modalityById(d.modality);
    if (!m || !readsFolders(m) || d.detail !== undefined) continue;
    const key = `${d.modality}|${path.dirname(d.uri.fsPath)}`;
    byFolder.set(key, [...(byFolder.get(key) ?? []), d]);
  }
  const folders: StudioDataset[] = [];
  const folded = new Set<StudioDataset>();
  for (const members of byFolder.values()) {
    if (members.length < 2) continue;
    const modality = members[0].modality;
    folders.push({
      uri: vscode.Uri.file(path.dirname(members[0].uri.fsPath)),
      modality,
      detail: `folder of ${members.length} ${modalityById(modality)?.noun ?? 'files'}`,
    });
    if (members.length > LISTED_FILES_PER_FOLDER) for (const m of members) folded.add(m);
  }
  return [...grouped.filter((d) => !folded.has(d)), ...folders]
    .filter((d) => {
      const m = modalityById(d.modality);
      return m !== undefined && modalityServes(m, use);
    })
    .sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
}

/** The context key package.json's explorer menus read: folders holding a dataset that can be fitted. */
export const DATASET_FOLDERS_KEY = 'medsynth.datasetFolders';

/**
 * Folders holding files of a modality read from folders that has a fitter (DICOM series, folders of
 * PNG/JPEG/NIfTI images), leaving out generator folders (medsynth.json): the explorer offers Fit,
 * Evaluate and Run Full Loop on these and Generate on other folders. DICOM files without an extension
 * are not found by name, so their folder is not listed (the palette and the Studio still take it).
 */
export async function findDatasetFolders(limit = 5000): Promise<string[]> {
  const [files, manifests] = await Promise.all([
    vscode.workspace.findFiles(inspectableGlob(), TABLE_EXCLUDE, limit),
    vscode.workspace.findFiles('**/medsynth.json', TABLE_EXCLUDE, limit),
  ]);
  const generators = new Set(manifests.map((u) => path.dirname(u.fsPath)));
  const folders = new Set<string>();
  for (const uri of files) {
    const kind = datasetKindOf(uri.fsPath);
    const modality = kind !== undefined ? modalityForKind(kind) : undefined;
    if (!modality || !readsFolders(modality) || !modalityServes(modality, 'fit')) continue;
    const dir = path.dirname(uri.fsPath);
    if (!generators.has(dir)) folders.add(dir);
  }
  return [...folders].sort();
}

/** The list last set, so an unchanged list sets nothing (every setContext is a context change event). */
let lastDatasetFolders: string | undefined;

/** Sets DATASET_FOLDERS_KEY (explorer `resourcePath in medsynth.datasetFolders`) when it changed; a failure leaves it as it was. */
export async function updateDatasetFolderContext(): Promise<void> {
  const folders = await findDatasetFolders().catch(() => undefined);
  if (!folders || JSON.stringify(folders) === lastDatasetFolders) return;
  lastDatasetFolders = JSON.stringify(folders);
  await vscode.commands.executeCommand('setContext', DATASET_FOLDERS_KEY, folders);
}
