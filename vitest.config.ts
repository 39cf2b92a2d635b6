// One `vitest run` for the whole suite. Projects: `node` (engine, store, CLI, exports under Node) and `browser`
// (WebGPU kernels and training in headless Chromium: Debian's /usr/bin/chromium, SwiftShader's software adapter).
import { playwright } from '@vitest/browser-playwright';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_PATH, CHROMIUM_WEBGPU_ARGS } from './test/browser/chromium-flags.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/e2e/**', 'test/app/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Cross-origin isolation, as the app serves it: SharedArrayBuffer for the threaded wasm kernels.
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_WEBGPU_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // The app: API, HTTP transport and main-process handlers under Node; Vue components in happy-dom (set per
        // file); end to end in Debian's Chromium against browser mode (test/e2e, builds the renderer first).
        plugins: [vue()],
        test: {
          name: 'app',
          environment: 'node',
          include: ['test/app/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/build-renderer.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest-results.json' }]],
  },
});
