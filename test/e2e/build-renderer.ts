// Vitest globalSetup of the app project: builds the renderer once (dist/renderer) so the end-to-end tests run the
// same bundle `mlpw serve` ships. MLPW_SKIP_RENDERER_BUILD=1 reuses an existing build when iterating.
import { existsSync } from 'node:fs';
import { build } from 'vite';

export default async function buildRenderer(): Promise<void> {
  if (process.env.MLPW_SKIP_RENDERER_BUILD === '1' && existsSync('dist/renderer/index.html')) return;
  await build({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
}
