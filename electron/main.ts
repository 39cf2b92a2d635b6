// Electron main process: a short chain of small modules. Before ready: the app:// scheme and the data folders.
// On ready: security, the renderer's protocol, the store, IPC, the menu, the window.
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, protocol, session, type BrowserWindow } from 'electron';
import type { MenuEvent } from '../api/workbench-api.ts';
import { PRIVILEGED_SCHEME, serveRenderer } from './app-protocol.ts';
import { MENU_CHANNEL } from './channels.ts';
import { chooseDatasetFile, chooseOnnxDestination } from './dialogs.ts';
import { createFileGrants } from './file-grants.ts';
import { registerIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { nativeBindingPath, requireNativeBinding } from './native-binding.ts';
import { secureApp } from './security.ts';
import { APP_FOLDER, openAppStore, type AppStore } from './store.ts';
import { createMainWindow, windowStateFile } from './window.ts';

protocol.registerSchemesAsPrivileged([PRIVILEGED_SCHEME]);
// The store sits in userData (shared with the CLI's default); Chromium's caches go to a subfolder of their own.
app.setPath('userData', join(app.getPath('appData'), APP_FOLDER));
app.setPath('sessionData', join(app.getPath('userData'), 'chromium'));
app.enableSandbox();

// Bundled as dist/electron/main.cjs: the renderer build and the preload sit beside it, the app root two up.
const RENDERER_DIR = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, 'preload.cjs');
const APP_ROOT = join(__dirname, '..', '..');

let appStore: AppStore | null = null;
let win: BrowserWindow | null = null;
// What the native dialogs chose: the renderer gets one-time handles, only this process knows the paths.
const files = createFileGrants();

async function chooseToOpen() {
  const path = win && (await chooseDatasetFile(dialog, win));
  return path ? files.grant(path, 'open') : null;
}

async function chooseToSave(defaultName: string) {
  const path = win && (await chooseOnnxDestination(dialog, win, defaultName));
  return path ? files.grant(path, 'save') : null;
}

function send(event: MenuEvent): void {
  win?.webContents.send(MENU_CHANNEL, event);
}

function start(): void {
  secureApp(app, session.defaultSession);
  serveRenderer(protocol, RENDERER_DIR);
  try {
    const nativeBinding = requireNativeBinding(
      nativeBindingPath({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appRoot: APP_ROOT }),
    );
    appStore = openAppStore(app.getPath('userData'), { nativeBinding, appVersion: app.getVersion(), files });
  } catch (e) {
    dialog.showErrorBox('MLP Workbench cannot open its store', (e as Error).message);
    app.exit(1);
    return;
  }
  registerIpc(ipcMain, {
    ...appStore.handlers,
    chooseDatasetFile: chooseToOpen,
    chooseOnnxFile: ({ defaultName }) => chooseToSave(defaultName),
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          newExperiment: () => send({ command: 'new-experiment' }),
          importDataset: async () => {
            const file = await chooseToOpen();
            if (file) send({ command: 'import-dataset', file });
          },
          exportOnnx: async () => {
            const file = await chooseToSave('model.onnx');
            if (file) send({ command: 'export-onnx', file });
          },
          quit: () => app.quit(),
        },
        process.platform,
        !app.isPackaged,
      ),
    ),
  );
  win = createMainWindow({ preload: PRELOAD, stateFile: windowStateFile(app.getPath('userData')) });
  win.on('closed', () => (win = null));
}

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => appStore?.close());
void app.whenReady().then(start);
