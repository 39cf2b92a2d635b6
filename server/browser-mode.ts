// Browser mode as one call: the store opened, the WorkbenchApi over it, the HTTP server started, heartbeats on so
// other processes see the runs this page trains as live. Used by `mlpw serve` and by `npm start` without Electron.
import { fileURLToPath } from 'node:url';
import { createStoreApi } from '../api/store-api.ts';
import { importUpload } from '../api/store-datasets.ts';
import { keepAlive, RunStore } from '../db/index.ts';
import { startServer, type RunningServer } from './http-server.ts';
import { QueueSweeps } from './queue-sweeps.ts';

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
  // Sweeps the page runs on agents are collected here; those still on a queue from before are collected again.
  const queue = new QueueSweeps(store);
  try {
    const handlers = createStoreApi(store, { mode: 'browser', appVersion: options.appVersion, queue });
    const server = await startServer({
      handlers,
      uploadDataset: (fields, body) => importUpload(store, fields, body),
      staticDir: options.staticDir ?? RENDERER_DIST,
      port: options.port,
    });
    void queue.reattachAll();
    return {
      server,
      store,
      close: async () => {
        await server.close();
        await queue.close();
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
