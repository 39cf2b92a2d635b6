// The main-process modules that need no Electron binary, under Node: IPC sender checks and validation, the
// store wiring (the same file the CLI defaults to), the menu, window-state restore, the app:// protocol, navigation
// (secureApp's listeners on an EventEmitter standing in for Electron's app and webContents, which need the binary).
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_FOLDER as CLI_APP_FOLDER, DB_FILE as CLI_DB_FILE } from '../../cli/store-path.ts';
import { APP_URL } from '../../electron/app-protocol-url.ts';
import { appResponse } from '../../electron/app-protocol.ts';
import { INVOKE_CHANNEL, isMenuEvent } from '../../electron/channels.ts';
import { handleInvoke, registerIpc, trustedSender } from '../../electron/ipc.ts';
import { menuTemplate } from '../../electron/menu.ts';
import { nativeBindingPath } from '../../electron/native-binding.ts';
import type { App, Session } from 'electron';
import { allowNavigation, secureApp } from '../../electron/security.ts';
import { APP_FOLDER, DB_FILE, openAppStore, type AppStore } from '../../electron/store.ts';
import { fitBounds, readWindowState, writeWindowState } from '../../electron/window-state.ts';
import { fakeEpoch, fakeSummary, smallConfig } from './fixtures.ts';

const ours = { url: APP_URL + '#/runs', isMainFrame: true };

let dir: string;
let appStore: AppStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-electron-'));
  appStore = openAppStore(dir, { appVersion: '0.0.0-test' });
});
afterEach(() => {
  appStore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPC', () => {
  it('trusts only the main frame of our own app:// page', () => {
    expect(trustedSender(ours)).toBe(true);
    expect(trustedSender({ ...ours, isMainFrame: false })).toBe(false);
    expect(trustedSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(trustedSender({ url: 'file:///tmp/x.html', isMainFrame: true })).toBe(false);
    expect(trustedSender({ url: undefined, isMainFrame: true })).toBe(false);
  });

  it('refuses an untrusted sender before touching the store', async () => {
    const result = await handleInvoke(
      appStore.handlers,
      { url: 'https://evil.example/', isMainFrame: true },
      'deleteRuns',
      { ids: ['x'] },
    );
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame' } });
  });

  it('validates every payload with the API schemas, naming the field', async () => {
    expect(await handleInvoke(appStore.handlers, ours, 'dropTables', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    expect(await handleInvoke(appStore.handlers, ours, 42, {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    const bad = await handleInvoke(appStore.handlers, ours, 'recordEpoch', { id: 'abc', metrics: { epoch: -1 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument', field: 'metrics.epoch' } });
    const badConfig = await handleInvoke(appStore.handlers, ours, 'createRun', { config: { batchSize: 0 } });
    expect(badConfig).toMatchObject({ ok: false, error: { code: 'invalid_argument', field: 'config.batchSize' } });
  });

  it('records a run through the handlers as the renderer does', async () => {
    const created = await handleInvoke(appStore.handlers, ours, 'createRun', { config: smallConfig });
    expect(created.ok).toBe(true);
    const id = (created as { value: { id: string } }).value.id;
    await handleInvoke(appStore.handlers, ours, 'recordEpoch', { id, metrics: fakeEpoch(1, 0.7) });
    await handleInvoke(appStore.handlers, ours, 'finishRun', { id, summary: fakeSummary(1) });
    const run = appStore.store.getRun(id);
    expect(run).toMatchObject({ status: 'completed', epochsDone: 1, dataset: 'spiral' });
  });

  it('registers one handler on the invoke channel and removes it', async () => {
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    const ipcMain = {
      handle: vi.fn((ch: string, fn: (...args: unknown[]) => unknown) => handlers.set(ch, fn)),
      removeHandler: vi.fn((ch: string) => handlers.delete(ch)),
    };
    const unregister = registerIpc(ipcMain, appStore.handlers);
    const mainFrame = { url: APP_URL };
    const event = { senderFrame: mainFrame, sender: { mainFrame } };
    const result = await handlers.get(INVOKE_CHANNEL)!(event, 'info', {});
    expect(result).toMatchObject({ ok: true, value: { mode: 'electron', runCount: 0 } });
    unregister();
    expect(handlers.size).toBe(0);
  });
});

describe('store wiring', () => {
  it('keeps the database in userData under the name the CLI uses by default', () => {
    expect(appStore.store.path).toBe(join(dir, DB_FILE));
    expect([APP_FOLDER, DB_FILE]).toEqual([CLI_APP_FOLDER, CLI_DB_FILE]);
  });

  it('loads the Electron build of better-sqlite3 from its own path, never node_modules', () => {
    expect(nativeBindingPath({ packaged: true, resourcesPath: '/opt/app/resources', appRoot: '/x' })).toBe(
      '/opt/app/resources/native/better_sqlite3.node',
    );
    expect(nativeBindingPath({ packaged: false, resourcesPath: '', appRoot: '/src/app', arch: 'x64' })).toBe(
      '/src/app/build/electron-native/x64/better_sqlite3.node',
    );
  });
});

describe('menu', () => {
  it('has New experiment, Import dataset, Export ONNX and Quit wired to their actions', () => {
    const actions = { newExperiment: vi.fn(), importDataset: vi.fn(), exportOnnx: vi.fn(), quit: vi.fn() };
    const file = menuTemplate(actions, 'linux', false).find((m) => m.label === 'File')!;
    const items = (file.submenu as { id?: string; label?: string; click?: () => void }[]).filter((i) => i.id);
    expect(items.map((i) => i.label)).toEqual(['New Experiment', 'Import Dataset…', 'Export ONNX…', 'Quit']);
    items.forEach((i) => i.click!());
    for (const fn of Object.values(actions)) expect(fn).toHaveBeenCalledOnce();
  });

  it('only sends known menu events to the renderer', () => {
    expect(isMenuEvent({ command: 'import-dataset', path: '/data/x.csv' })).toBe(true);
    expect(isMenuEvent({ command: 'format-disk' })).toBe(false);
    expect(isMenuEvent('new-experiment')).toBe(false);
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };

  it('round-trips and restores bounds that are still on a display', () => {
    const file = join(dir, 'window-state.json');
    writeWindowState(file, { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true });
    const state = readWindowState(file);
    expect(state).toEqual({ bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true });
    expect(fitBounds(state.bounds, [display])).toEqual(state.bounds);
  });

  it('drops bounds on a monitor that is gone, and ignores a damaged file', () => {
    expect(fitBounds({ x: 2500, y: 100, width: 1200, height: 800 }, [display])).toBeUndefined();
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{not json');
    expect(readWindowState(file)).toEqual({ maximized: false });
  });
});

describe('app:// protocol and navigation', () => {
  it('serves the renderer with isolation headers and the CSP, and nothing outside it', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const ok = await appResponse(dir, 'app://workbench/index.html');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await appResponse(dir, 'app://workbench/..%2f..%2fetc/passwd')).status).toBe(404);
    expect((await appResponse(dir, 'app://elsewhere/index.html')).status).toBe(404);
  });

  it('allows navigation only within the app', () => {
    expect(allowNavigation(APP_URL)).toBe(true);
    expect(allowNavigation('https://example.com')).toBe(false);
    expect(allowNavigation('file:///etc/passwd')).toBe(false);
  });

  /** A webContents as secureApp sees it, right after Electron's 'web-contents-created'. */
  function securedContents() {
    const app = new EventEmitter();
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    secureApp(app as unknown as App, session as unknown as Session);
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = Object.assign(new EventEmitter(), {
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    });
    app.emit('web-contents-created', {}, contents);
    /** Whether a listener called preventDefault on the event Electron would emit. */
    const prevented = (name: string, fields: object = {}, ...args: unknown[]) => {
      let stopped = false;
      contents.emit(name, { ...fields, preventDefault: () => (stopped = true) }, ...args);
      return stopped;
    };
    return { session, prevented, openWindow: (url: string) => openHandler?.({ url }) };
  }

  it('refuses navigation away from the app in the main frame and in any subframe, webviews and new windows', () => {
    const { session, prevented, openWindow } = securedContents();
    expect(prevented('will-navigate', {}, APP_URL + '#/compare')).toBe(false);
    expect(prevented('will-navigate', {}, 'https://example.com/')).toBe(true);
    expect(prevented('will-redirect', {}, 'https://example.com/')).toBe(true);
    expect(prevented('will-frame-navigate', { url: APP_URL, isMainFrame: true })).toBe(false);
    expect(prevented('will-frame-navigate', { url: 'https://example.com/', isMainFrame: true })).toBe(true);
    expect(prevented('will-frame-navigate', { url: 'https://example.com/', isMainFrame: false })).toBe(true);
    expect(prevented('will-frame-navigate', { url: APP_URL, isMainFrame: false })).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(openWindow('https://example.com/')).toEqual({ action: 'deny' });
    const ask = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', ask);
    expect(ask).toHaveBeenCalledWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false);
  });
});
