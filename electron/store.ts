// The desktop app's store: RunStore in the user-data folder (the same file the CLI uses by default), opened with
// the Electron build of better-sqlite3, with heartbeats so a CLI sees the app's runs as alive.
import { join } from 'node:path';
import { createStoreApi, type FileGrants } from '../api/store-api.ts';
import type { ApiHandlers } from '../api/workbench-api.ts';
import { keepAlive, RunStore } from '../db/index.ts';
import { QueueSweeps } from '../server/queue-sweeps.ts';

/** Same folder and file name as cli/store-path.ts (APP_FOLDER, DB_FILE), so `mlpw runs` lists the app's runs. */
export const APP_FOLDER = 'mlp-workbench';
export const DB_FILE = 'workbench.db';

export interface AppStore {
  store: RunStore;
  handlers: ApiHandlers;
  close(): void;
}

export function openAppStore(
  userData: string,
  options: { nativeBinding?: string; appVersion: string; files?: FileGrants },
): AppStore {
  const store = new RunStore(join(userData, DB_FILE), {
    nativeBinding: options.nativeBinding,
    appVersion: options.appVersion,
  });
  const stopBeating = keepAlive(store);
  // Sweeps run on agents are collected in the main process; those still on a queue from before are collected again.
  const queue = new QueueSweeps(store);
  void queue.reattachAll();
  return {
    store,
    handlers: createStoreApi(store, {
      mode: 'electron',
      appVersion: options.appVersion,
      files: options.files,
      queue,
    }),
    close: () => {
      // The coordinators let go at their next read; the points stay on the queue for the next start to collect.
      void queue.close();
      stopBeating();
      store.close();
    },
  };
}
