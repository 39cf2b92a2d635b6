// The dependency rule of `npm run lint` (scripts/check-deps.ts) on small trees laid out like the repository: a
// wrong-direction import in .ts, .mjs or .vue (type-only included) is named with both files and the rule, a cycle
// between two folders is reported, a folder missing from the layer matrix is reported, and the CLI exits 1.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies } from '../../scripts/check-deps.ts';

const roots: string[] = [];

/** A temporary tree with these files (path → contents). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mlpw-check-deps-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('check-deps', () => {
  it('passes imports that follow the layers: engine ← db, export, insight ← api ← server ← cli, renderer', async () => {
    const root = tree({
      'engine/types.ts': 'export type Epoch = { loss: number };\n',
      'engine/trainer.ts': "import type { Epoch } from './types.ts';\nexport const epochs: Epoch[] = [];\n",
      'db/run-store.ts': "import type { Epoch } from '../engine/types.ts';\nexport const stored: Epoch[] = [];\n",
      'export/export-run.ts': "import { stored } from '../db/run-store.ts';\nexport const exported = stored;\n",
      'insight/compare.ts': "import { exported } from '../export/export-run.ts';\nexport const compared = exported;\n",
      'api/store-api.ts': "import { compared } from '../insight/compare.ts';\nexport const api = compared;\n",
      'server/http.ts': "import { api } from '../api/store-api.ts';\nexport const served = api;\n",
      'cli/serve.ts': "import { served } from '../server/http.ts';\nexport const serve = served;\n",
      'renderer/App.vue':
        '<script setup lang="ts">\nimport { api } from \'../api/store-api.ts\';\nvoid api;\n</script>\n',
      'test/cli.test.ts': "import { serve } from '../cli/serve.ts';\nvoid serve;\n",
    });
    const { problems, folderGraph } = await checkDependencies(root);
    expect(problems).toEqual([]);
    expect([...folderGraph.get('cli')!]).toEqual(['server']);
    expect([...folderGraph.get('renderer')!]).toEqual(['api']);
  });

  it('fails a wrong-direction import, naming the importing file, the imported file and the rule', async () => {
    const root = tree({
      'engine/trainer.ts': "import { compared } from '../insight/compare.ts';\nexport const t = compared;\n",
      'engine/host/worker.mjs': "import { open } from '../../db/open.ts';\nexport const w = open;\n",
      'insight/compare.ts': 'export const compared = 1;\n',
      'db/open.ts': "import type { Route } from '../api/routes.ts';\nexport const open = 1 as unknown as Route;\n",
      'api/routes.ts': "import { run } from '../cli/main.ts';\nexport type Route = typeof run;\n",
      'cli/main.ts': 'export const run = 1;\n',
      'renderer/App.vue': '<script setup lang="ts">\nimport { run } from \'../cli/main.ts\';\nvoid run;\n</script>\n',
      'server/http.ts': "import { helper } from '../test/helper.ts';\nexport const h = helper;\n",
      'test/helper.ts': 'export const helper = 1;\n',
    });
    const { problems } = await checkDependencies(root);
    expect(problems).toEqual([
      'error layer-api: api/routes.ts → cli/main.ts (api/ may import only api/, engine/, db/, datasets/, export/, insight/)',
      'error layer-db: db/open.ts → api/routes.ts (db/ may import only db/, engine/)',
      'error layer-engine: engine/host/worker.mjs → db/open.ts (engine/ may import only engine/)',
      'error layer-engine: engine/trainer.ts → insight/compare.ts (engine/ may import only engine/)',
      'error layer-renderer: renderer/App.vue → cli/main.ts (renderer/ may import only renderer/, engine/, db/, datasets/, export/, insight/, api/)',
      'error layer-server: server/http.ts → test/helper.ts (server/ may import only server/, engine/, db/, datasets/, export/, insight/, api/, queue/)',
    ]);
  });

  it('reports a cycle between two folders, with one import each way', async () => {
    const root = tree({
      'bench/run.ts': "import { flags } from '../test/flags.ts';\nexport const run = flags;\n",
      'bench/numbers.ts': 'export const numbers = [1];\n',
      'test/flags.ts': 'export const flags = 1;\n',
      'test/helper.ts': "import { numbers } from '../bench/numbers.ts';\nexport const helper = numbers;\n",
    });
    const { problems } = await checkDependencies(root);
    expect(problems).toEqual([
      'error no-folder-cycle: bench/, test/ import each other: bench/run.ts → test/flags.ts; test/helper.ts → bench/numbers.ts',
    ]);
  });

  it('reports a source folder missing from the layer matrix and an import that resolves to nothing', async () => {
    const root = tree({
      'plugins/extra.ts': 'export const extra = 1;\n',
      'engine/trainer.ts': "import { gone } from './moved-away.ts';\nexport const t = gone;\n",
    });
    const { problems } = await checkDependencies(root);
    expect(problems).toEqual([
      'error layer-matrix: plugins/ holds source but is not in LAYERS (scripts/check-deps.ts)',
      'error no-unresolved-relative: engine/trainer.ts → ./moved-away.ts (a relative import that resolves to no file)',
    ]);
  });

  it('exits 1 from the command line on a wrong-direction import (what npm run lint runs)', () => {
    const root = tree({
      'engine/trainer.ts': "import { run } from '../cli/main.ts';\nexport const t = run;\n",
      'cli/main.ts': 'export const run = 1;\n',
    });
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/check-deps.ts', '--root', root], { stdio: 'pipe' });
    } catch (e) {
      ({ status, stderr } = e as { status: number; stderr: string });
    }
    expect(status).toBe(1);
    expect(String(stderr)).toContain(
      'error layer-engine: engine/trainer.ts → cli/main.ts (engine/ may import only engine/)',
    );
  });
});
