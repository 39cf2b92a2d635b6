// Bundles the main process and the preload into dist/electron (CommonJS, which Electron's sandboxed preload needs).
// Native and wasm-carrying packages stay external: they load from node_modules (unpacked from the asar).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  outExtension: { '.js': '.cjs' },
};

await build({
  ...common,
  entryPoints: { main: 'electron/main.ts' },
  outdir: 'dist/electron',
  external: ['electron', 'better-sqlite3', 'onnxruntime-web'],
  // import.meta.url has no meaning in a CommonJS bundle. Its one user here, export/onnx/node/export-run.ts, finds
  // package.json at ../../../ from itself: give it a URL at that depth under the app root (dist/electron/../..).
  banner: {
    js: "const __import_meta_url = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', '..', 'export', 'onnx', 'node', 'bundle.cjs')).href;",
  },
  define: { 'import.meta.url': '__import_meta_url' },
});

await build({
  ...common,
  entryPoints: { preload: 'electron/preload.ts' },
  outdir: 'dist/electron',
  external: ['electron'],
});
