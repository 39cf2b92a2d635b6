// A run on feature transforms through the real CLI: `mlpw train --config` records the 2 + k inputs by name, `mlpw
// show` lists the key, and `mlpw export` refuses it with one sentence naming dataset.transforms (the ONNX graph takes
// x1, x2 only), leaving no file behind.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('feature transforms in the CLI', () => {
  it('trains on x1, x2 and the transforms, and export refuses the run naming the key', async () => {
    const db = tmp.file('w.db');
    const config = tmp.file('config.json');
    writeFileSync(
      config,
      JSON.stringify({ dataset: { name: 'circles', samples: 200, transforms: ['x1^2', 'x2^2'] }, epochs: 3 }),
    );
    const trained = await cli(['train', '--config', config, '--backend', 'cpu', '--json'], { db });
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const runId = (JSON.parse(trained.stdout) as { runId: string }).runId;
    const shown = await cli(['show', runId], { db });
    expect(shown.stdout).toContain('dataset.transforms');
    const out = tmp.file('model.onnx');
    const exported = await cli(['export', runId, '--out', out], { db });
    expect(exported.code).not.toBe(0);
    expect(exported.stderr).toContain(
      `dataset.transforms: run ${runId} trains on feature transforms (x1^2, x2^2), which the ONNX graph does not compute yet`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
