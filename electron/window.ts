// The main window: sandboxed renderer with context isolation and only the preload's bridge, loading the app from
// app://workbench, restoring its last size and position.
import { join } from 'node:path';
import { BrowserWindow, screen } from 'electron';
import { APP_URL } from './app-protocol-url.ts';
import { DEFAULT_SIZE, fitBounds, readWindowState, writeWindowState } from './window-state.ts';

export function createMainWindow(options: { preload: string; stateFile: string }): BrowserWindow {
  const state = readWindowState(options.stateFile);
  const bounds = fitBounds(
    state.bounds,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MLP Workbench',
    backgroundColor: '#f5f6f8',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const save = () =>
    writeWindowState(options.stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  win.on('close', save);
  void win.loadURL(APP_URL);
  return win;
}

export function windowStateFile(userData: string): string {
  return join(userData, 'window-state.json');
}
