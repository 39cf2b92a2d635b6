// better-sqlite3 has one native addon per ABI. The CLI and tests use node_modules' Node build; the Electron main
// process loads a copy built for Electron by electron/rebuild-native.mjs into build/electron-native/<arch>/, passed
// as `nativeBinding`. Packaged apps ship it in resources/native (electron-builder extraResources), outside the asar.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_FILE = 'better_sqlite3.node';
export const DEV_NATIVE_DIR = join('build', 'electron-native');

export function nativeBindingPath(opts: {
  packaged: boolean;
  resourcesPath: string;
  appRoot: string;
  arch?: string;
}): string {
  return opts.packaged
    ? join(opts.resourcesPath, 'native', NATIVE_FILE)
    : join(opts.appRoot, DEV_NATIVE_DIR, opts.arch ?? process.arch, NATIVE_FILE);
}

export function requireNativeBinding(path: string): string {
  if (!existsSync(path))
    throw new Error(`better-sqlite3 for Electron is missing (${path}); run: npm run rebuild:electron`);
  return path;
}
