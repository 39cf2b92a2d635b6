// `mlpw export` on runs trained through the CLI into a temporary store: a verified file recorded as an artifact,
// from a built-in dataset and from an imported snapshot whose file is gone; clear errors otherwise.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { readOnnxModel } from '../../export/onnx/index.ts';
import { config, tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = tmp.file('runs.db');

async function trainJson(...flags: string[]): Promise<string> {
  const r = await cli(['train', '--layers', '8', '--epochs', '4', '--backend', 'cpu', '--json', ...flags], { db });
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

function artifacts(runId: string) {
  const store = new RunStore(db);
  try {
    return store.listArtifacts(runId);
  } finally {
    store.close();
  }
}

describe('mlpw export', () => {
  it('exports a trained run, verified with onnxruntime, and records the file with its verification', async () => {
    const runId = await trainJson('--dataset', 'iris');
    const out = tmp.file('iris.onnx');
    const r = await cli(['export', runId, '--out', out], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`exported run ${runId} \\(final checkpoint, epoch 4\\) → .*iris\\.onnx`));
    expect(r.stdout).toMatch(
      /verified with onnxruntime-web \d+\.\d+\.\d+ on 30 validation rows: max \|difference\| \d\.\d+e[-+]\d+ \(tolerance 0\.00001\)/,
    );
    const model = readOnnxModel(readFileSync(out), out);
    expect(model.snapshot.classLabels).toEqual(['setosa', 'versicolor', 'virginica']);
    const [artifact] = artifacts(runId);
    expect(artifact).toMatchObject({
      kind: 'onnx',
      path: out,
      details: { samples: 30, checkpoint: 'final', epoch: 4, tolerance: 1e-5 },
    });
    expect((artifact!.details as { maxAbsDiff: number }).maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('rebuilds the validation rows of an imported dataset from its snapshot, not the (deleted) file', async () => {
    const csv = tmp.file('points.csv');
    const lines = ['u,v,side'];
    for (let i = 0; i < 60; i++) lines.push(`${(i % 7) - 3},${(i % 5) - 2},${(i % 7) - 3 > 0 ? 'right' : 'left'}`);
    writeFileSync(csv, lines.join('\n'));
    expect((await cli(['import', csv, '--target', 'side'], { db })).code).toBe(0);
    const runId = await trainJson('--dataset', 'points');
    rmSync(csv);
    const out = tmp.file('points.onnx');
    const r = await cli(['export', runId, '--out', out, '--checkpoint', 'best', '--json'], { db });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ runId, path: out, checkpoint: 'best', samples: 12 });
    expect(readOnnxModel(readFileSync(out), out).dataset).toBe('points');
  });

  it('a run without that checkpoint: a clear error, exit 2, nothing written', async () => {
    const store = new RunStore(db);
    const runId = store.createRun(config(), { status: 'running' });
    store.failRun(runId, 'stopped before its first epoch');
    store.close();
    const out = tmp.file('none.onnx');
    const r = await cli(['export', runId, '--out', out], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`mlpw export: run ${runId} has no final checkpoint \\(status failed, 0 epochs\\)`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('an unwritable output path: a clear error naming it, exit 2, no artifact recorded', async () => {
    const runId = await trainJson('--dataset', 'xor', '--samples', '100');
    const out = tmp.file('no-such-folder/model.onnx');
    const r = await cli(['export', runId, '--out', out], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /mlpw export: --out: cannot write .*no-such-folder\/model\.onnx: its folder does not exist \(ENOENT\)/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(artifacts(runId)).toEqual([]);
  });

  it('refuses to overwrite a file that is not .onnx, or an .onnx that is not ours: exit 2, the file byte-identical, no artifact', async () => {
    const runId = await trainJson('--dataset', 'xor', '--samples', '100');
    const victim = tmp.file('victim.txt');
    const original = Buffer.from('my notes\n\u0000\u00ff binary tail');
    writeFileSync(victim, original);
    const r = await cli(['export', runId, '--out', victim], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mlpw export: --out: ${victim} must end in .onnx\n`);
    expect(readFileSync(victim).equals(original)).toBe(true);
    const foreign = tmp.file('someone-else.onnx');
    writeFileSync(foreign, original);
    const f = await cli(['export', runId, '--out', foreign], { db });
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(
      /--out: .*someone-else\.onnx exists and is not an MLP Workbench model; choose another file/,
    );
    expect(readFileSync(foreign).equals(original)).toBe(true);
    expect(artifacts(runId)).toEqual([]);
  });

  it.each([
    [['export', 'zzzzzzzz', '--out', 'x.onnx'], /no run "zzzzzzzz"/],
    [['export', 'abc'], /--out FILE\.onnx is required/],
    [['export', 'abc', '--out', 'x.onnx', '--checkpoint', 'last'], /--checkpoint: expected final or best, got "last"/],
  ])('bad arguments %j exit 2', async (args, message) => {
    const r = await cli(args, { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
