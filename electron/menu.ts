// The application menu: New experiment, Import dataset, Export ONNX, Quit (plus the standard Edit and View roles).
// The template is plain data built from callbacks, so it is tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newExperiment(): void;
  importDataset(): void;
  exportOnnx(): void;
  quit(): void;
}

export function menuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
  devTools: boolean,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        id: 'new-experiment',
        label: 'New Experiment',
        accelerator: 'CmdOrCtrl+N',
        click: () => actions.newExperiment(),
      },
      {
        id: 'import-dataset',
        label: 'Import Dataset…',
        accelerator: 'CmdOrCtrl+O',
        click: () => actions.importDataset(),
      },
      { id: 'export-onnx', label: 'Export ONNX…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportOnnx() },
      { type: 'separator' },
      mac ? { role: 'close' } : { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(devTools ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: 'MLP Workbench',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { id: 'quit', label: 'Quit MLP Workbench', accelerator: 'Cmd+Q', click: () => actions.quit() },
          ],
        },
      ]
    : [];
  return [...appMenu, file, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}
