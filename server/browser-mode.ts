// Browser mode as one call: the store opened, the WorkbenchApi over it, the HTTP server started, heartbeats on so
// other processes see the runs this page trains as live. Used by `mlpw serve` and by `npm start` without Electron.
import { fileURLToPath } from 'node:url';
import { createStoreApi } from '../api/store-api.ts';
import { importUpload } from '../api/store-datasets.ts';
import { keepAlive, RunStore } from '../db/index.ts';
import { startServer, type RunningServer } from './http-server.ts';

export const RENDERER_DIST = fileURLToPath(new URL('../dist/renderer/', import.meta.url));

export interface BrowserModeOptions {
  dbPath: string;
  appVersion: string;
  port?: number;
  staticDir?: string;
}

export interface BrowserMode {
  server: RunningServer;
  store: RunStore;
  close(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const store = new RunStore(options.dbPath, { appVersion: options.appVersion });
  const stopBeating = keepAlive(store);
  try {
    const handlers = createStoreApi(store, { mode: 'browser', appVersion: options.appVersion });
    const server = await startServer({
      handlers,
      uploadDataset: (fields, body) => importUpload(store, fields, body),
      staticDir: options.staticDir ?? RENDERER_DIST,
      port: options.port,
    });
    return {
      server,
      store,
      close: async () => {
        await server.close();
        stopBeating();
        store.close();
      },
    };
  } catch (e) {
    stopBeating();
    store.close();
    throw e;
  }
}
