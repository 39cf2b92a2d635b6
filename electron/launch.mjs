// `npm start`: builds the renderer and the main process, then opens the desktop app. Where Electron cannot start
// (no binary: installed with ELECTRON_SKIP_BINARY_DOWNLOAD; no display; no Electron build of better-sqlite3 and no
// network to make one) it says why and starts browser mode instead, which prints the URL to open.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

function electronBinary() {
  const pathFile = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile))
    return {
      missing:
        'the Electron binary is not installed (node_modules/electron was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)',
    };
  const binary = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { binary } : { missing: `the Electron binary is missing (${binary})` };
}

function noDisplay() {
  if (process.platform !== 'linux') return null;
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY
    ? null
    : 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

async function nativeReady() {
  const { nativeOutput, rebuildNative } = await import('./rebuild-native.mjs');
  if (existsSync(nativeOutput())) return null;
  console.log('building better-sqlite3 for Electron (first start only)…');
  try {
    await rebuildNative();
    return null;
  } catch (e) {
    return `better-sqlite3 could not be built for Electron (${e.message.split('\n')[0]})`;
  }
}

await run(process.execPath, [
  join(root, 'node_modules/vite/bin/vite.js'),
  'build',
  '-c',
  'renderer/vite.config.ts',
  '--logLevel',
  'warn',
]);
const electron = electronBinary();
const reason = electron.missing ?? noDisplay() ?? (await nativeReady());
if (reason) {
  console.log(
    `The desktop app cannot start here: ${reason}.\nStarting browser mode instead; open the URL below in a browser.`,
  );
  await run(process.execPath, [join(root, 'bin/mlpw.mjs'), 'serve', ...process.argv.slice(2)]);
} else {
  await run(process.execPath, [join(root, 'electron/build.mjs')]);
  await run(electron.binary, [join(root, 'dist/electron/main.cjs')]);
}
