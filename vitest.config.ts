// One `vitest run` for the whole suite. Projects: `node` (engine, store, CLI, exports under Node), `browser`
// (WebGPU kernels and training in headless Chromium, SwiftShader's software adapter) and `app`. The Chromium is
// found by test/browser/find-chromium.ts; without one the browser project and the app's e2e files are skipped with
// one line (a failure in CI).
import { playwright } from '@vitest/browser-playwright';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_SEARCH, CHROMIUM_WEBGPU_ARGS } from './test/browser/chromium-flags.ts';
import { chromiumDecision } from './test/browser/find-chromium.ts';

const chromium = chromiumDecision(CHROMIUM_SEARCH, process.env);
if ('fail' in chromium) throw new Error(chromium.fail);
// Printed once: the config is read by the main process only.
if ('skip' in chromium) console.warn(chromium.skip);

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
      ...(chromium.run
        ? [
            {
              // Cross-origin isolation, as the app serves it: SharedArrayBuffer for the threaded wasm kernels.
              server: {
                headers: {
                  'Cross-Origin-Opener-Policy': 'same-origin',
                  'Cross-Origin-Embedder-Policy': 'require-corp',
                },
              },
              test: {
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                testTimeout: 120_000,
                hookTimeout: 60_000,
                browser: {
                  enabled: true,
                  headless: true,
                  provider: playwright({
                    launchOptions: { executablePath: chromium.path, args: CHROMIUM_WEBGPU_ARGS },
                  }),
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]
        : []),
      {
        // The app: API, HTTP transport and main-process handlers under Node; Vue components in happy-dom (set per
        // file); end to end in headless Chromium against browser mode (test/e2e, builds the renderer first).
        plugins: [vue()],
        test: {
          name: 'app',
          environment: 'node',
          include: chromium.run ? ['test/app/**/*.test.ts', 'test/e2e/**/*.test.ts'] : ['test/app/**/*.test.ts'],
          globalSetup: chromium.run ? ['test/e2e/build-renderer.ts'] : [],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest-results.json' }]],
  },
});
