// Native open and save dialogs, attached to the main window. They return the chosen path, or null when the user
// cancels; main.ts keeps the path and gives the renderer a one-time handle for it (file-grants.ts).
import type { BrowserWindow, Dialog } from 'electron';

export async function chooseDatasetFile(dialog: Dialog, win: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(win, {
    title: 'Import dataset',
    properties: ['openFile'],
    filters: [
      { name: 'CSV', extensions: ['csv', 'tsv', 'txt'] },
      { name: 'IDX (MNIST format)', extensions: ['idx3-ubyte', 'gz'] },
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
