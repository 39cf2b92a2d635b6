// Where the CLI's store lives: --db FILE, else $MLPW_DB, else the desktop app's database, so runs trained from the
// command line show up in the app. The app's folder follows Electron's app.getPath('userData') for 'mlp-workbench'.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunStore, StoreError } from '../db/index.ts';
import { sqliteCode } from '../db/errors.ts';
import type { Options } from './args.ts';

export const DB_FLAG = { db: { type: 'string' } } as const satisfies Options;
export const APP_FOLDER = 'mlp-workbench';
export const DB_FILE = 'workbench.db';

export function appDataFolder(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_FOLDER);
}

export function resolveDbPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  platform = process.platform,
  home = homedir(),
): string {
  if (flag) return resolve(flag);
  if (env.MLPW_DB) return resolve(env.MLPW_DB);
  return join(appDataFolder(platform, env, home), DB_FILE);
}

const APP_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function openStore(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  options: { readonly?: boolean } = {},
): RunStore {
  return new RunStore(resolveDbPath(flag, env), { appVersion: APP_VERSION, readonly: options.readonly });
}

/** Opens the store for one command and closes it however the command ends. */
export async function withStore<T>(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  fn: (store: RunStore) => T | Promise<T>,
): Promise<T> {
  return useStore(openStore(flag, env), fn);
}

/** The same for commands that only read (runs, show, compare, export-csv): the file is not migrated or written. */
export async function withReadOnlyStore<T>(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  fn: (store: RunStore) => T | Promise<T>,
): Promise<T> {
  return useStore(openStore(flag, env, { readonly: true }), fn);
}

async function useStore<T>(store: RunStore, fn: (store: RunStore) => T | Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } catch (e) {
    // Damage the open-time check could not see (quick_check skips index contents) still names the file.
    if (sqliteCode(e)?.startsWith('SQLITE_CORRUPT'))
      throw new StoreError('damaged', `${store.path} is damaged (${(e as Error).message})`);
    throw e;
  } finally {
    store.close();
  }
}
