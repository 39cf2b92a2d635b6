// Native open and save dialogs, attached to the main window. They return the chosen path, or null when the user
// cancels; main.ts keeps the path and gives the renderer a one-time handle for it (file-grants.ts).
import type { BrowserWindow, Dialog } from 'electron';

export async function chooseDatasetFile(dialog: Dialog, win: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(win, {
    title: 'Import dataset',
    properties: ['openFile'],
    // the import dialog's tables (importDatasetFile reads tables only; IDX files import with mlpw import)
    filters: [
      {
        name: 'Tables (CSV, JSON, NDJSON, .data)',
        extensions: ['csv', 'tsv', 'txt', 'data', 'json', 'ndjson', 'jsonl'],
      },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

export async function chooseOnnxDestination(
  dialog: Dialog,
  win: BrowserWindow,
  defaultName: string,
): Promise<string | null> {
  const result = await dialog.showSaveDialog(win, {
    title: 'Export ONNX',
    defaultPath: defaultName,
    filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
  });
  return result.canceled ? null : (result.filePath ?? null);
}
