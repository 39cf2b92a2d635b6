// Builds better-sqlite3 for Electron's ABI into build/electron-native/<arch>/better_sqlite3.node, from a copy of
// the package, so node_modules keeps the Node build the CLI and tests load. Needs the network once (Electron's
// headers or a prebuilt binary), which is why it is not a postinstall step: `npm start` runs it the first time it
// finds the Electron binary, and electron-builder's beforePack runs it for the target arch.
//   node electron/rebuild-native.mjs [--arch x64|arm64|…]
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE_FILE = 'better_sqlite3.node';

export function nativeOutput(arch = process.arch) {
  return join(root, 'build', 'electron-native', arch, NATIVE_FILE);
}

export async function rebuildNative(arch = process.arch) {
  const { rebuild } = await import('@electron/rebuild');
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const sqlite = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'));
  const stage = join(root, 'build', 'electron-native', `stage-${arch}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'node_modules'), { recursive: true });
  writeFileSync(
    join(stage, 'package.json'),
    JSON.stringify({
      name: 'electron-native-stage',
      private: true,
      dependencies: { 'better-sqlite3': sqlite.version },
    }),
  );
  cpSync(join(root, 'node_modules/better-sqlite3'), join(stage, 'node_modules/better-sqlite3'), {
    recursive: true,
    filter: (src) => !src.includes(`${'better-sqlite3'}/build`),
  });
  await rebuild({ buildPath: stage, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true });
  const built = join(stage, 'node_modules/better-sqlite3/build/Release', NATIVE_FILE);
  if (!existsSync(built)) throw new Error(`@electron/rebuild finished without ${built}`);
  mkdirSync(dirname(nativeOutput(arch)), { recursive: true });
  copyFileSync(built, nativeOutput(arch));
  rmSync(stage, { recursive: true, force: true });
  return nativeOutput(arch);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--arch');
  const arch = at > 0 ? process.argv[at + 1] : process.arch;
  const out = await rebuildNative(arch);
  console.log(`better-sqlite3 for Electron (${arch}) → ${out}`);
}
