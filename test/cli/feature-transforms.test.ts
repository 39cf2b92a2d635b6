// A run on feature transforms through the real CLI: `mlpw train --config` records the 2 + k inputs by name, `mlpw
// show` lists the key, `mlpw export` writes a graph that takes x1, x2 and computes the transforms itself, and `mlpw
// predict` on a CSV of x1, x2 alone gives the same predictions from the .onnx file (onnxruntime) as from the run.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('feature transforms in the CLI', () => {
  it('trains on x1, x2 and the transforms, exports, and predicts from x1, x2 alone', async () => {
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
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(existsSync(out)).toBe(true);

    const rows = tmp.file('rows.csv');
    writeFileSync(rows, 'x1,x2\n0,0\n0.5,-0.25\n-3.5,2\n4.75,4.75\n');
    const fromRun = await cli(['predict', runId, '--data', rows], { db });
    const fromFile = await cli(['predict', out, '--data', rows], { db });
    expect(fromRun.stderr).toBe('');
    expect(fromFile.stderr).toBe('');
    const [head, ...a] = fromRun.stdout.trim().split('\n');
    const [fileHead, ...b] = fromFile.stdout.trim().split('\n');
    expect(fileHead).toBe(head);
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(4);
    a.forEach((line, i) => {
      const [cls, ...ps] = line.split(',');
      const [fileCls, ...fps] = b[i]!.split(',');
      expect(fileCls).toBe(cls);
      ps.forEach((p, j) => expect(Math.abs(Number(p) - Number(fps[j]))).toBeLessThan(1e-5));
    });
  });
});
