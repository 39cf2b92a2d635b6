// Runs on feature transforms export a graph that takes the raw x1, x2 and computes the transforms inside (Gather,
// Mul, Sin, Concat, opset 13): a circles run with x1^2, x2^2, x1*x2, sin(x1) trained by the real trainer, exported
// and verified, then onnxruntime-web on raw x1, x2 rows gives the engine's predictions on expandRows of them.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { expandRows, FEATURE_TRANSFORMS, type FeatureTransform } from '../../engine/data/transforms.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { decodeModel, encodeModel } from '../../export/onnx/proto.ts';
import {
  buildOnnxModel,
  enginePredict,
  exportVerified,
  META,
  OnnxError,
  predictWithOnnx,
  rawPlaneRows,
  readOnnxModel,
  runOnnx,
  validationRows,
  VERIFY_TOLERANCE,
} from '../../export/onnx/node/index.ts';
import { tempDir } from '../db/helpers.ts';
import { fullCheck, skipChecker } from './onnx-checker.ts';
import { trainTiny } from './train-tiny.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const TRANSFORMS: FeatureTransform[] = ['x1^2', 'x2^2', 'x1*x2', 'sin(x1)'];

/** A grid of raw (x1, x2) over and beyond the circles' range, where sin wraps several times. */
function grid(): { x: Float32Array; n: number } {
  const values = [-40, -7.5, -3.3, -1, -0.125, 0, 0.3, 1.7, 2.9, 5.25, 12.6, 33];
  const x: number[] = [];
  for (const a of values) for (const b of values) x.push(a, b);
  return { x: Float32Array.from(x), n: values.length ** 2 };
}

describe('export of a run on feature transforms', async () => {
  const run = await trainTiny({
    dataset: { name: 'circles', samples: 200, transforms: TRANSFORMS },
    epochs: 8,
    model: { layers: [{ units: 6, activation: 'tanh' }] },
  });
  const snapshot = run.result.final;
  const meta = { ...run.meta, transforms: TRANSFORMS };
  const { bytes, verification } = await exportVerified(snapshot, meta, validationRows(run.config, run.dataset));
  const path = tmp.file('circles-transforms.onnx');
  writeFileSync(path, bytes);

  it('takes input [batch, 2] and computes the transforms with standard ops, recorded in the metadata', () => {
    expect(snapshot.layers[0]!.inputs).toBe(6);
    expect(verification.samples).toBeGreaterThan(0);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(VERIFY_TOLERANCE);
    const proto = decodeModel(bytes, path);
    expect(
      proto.graph.input.map((v) => [v.name, v.type?.tensorType?.shape?.dim?.map((d) => d.dimValue ?? d.dimParam)]),
    ).toEqual([['input', ['batch', 2]]]);
    expect(proto.opsetImport).toEqual([expect.objectContaining({ domain: '', version: 13 })]);
    const front = proto.graph.node.filter((n) => n.name.startsWith('transforms.')).map((n) => n.opType);
    expect(front).toEqual(['Gather', 'Gather', 'Mul', 'Mul', 'Mul', 'Sin', 'Concat']);
    expect(proto.graph.node.find((n) => n.name === 'standardize.sub')!.input[0]).toBe('transforms.features');
    const model = readOnnxModel(bytes, path);
    expect(model.transforms).toEqual(TRANSFORMS);
    expect(model.input).toEqual({ name: 'input', features: 2 });
    expect(JSON.parse(proto.metadataProps.find((p) => p.key === META.transforms)!.value)).toEqual(TRANSFORMS);
    expect(model.docString).toContain('x1^2, x2^2, x1*x2, sin(x1)');
  });

  it.skipIf(skipChecker)("passes onnx's checker with full_check", () => {
    expect(fullCheck(path)).toMatch(/^full_check ok/);
  });

  it("onnxruntime on raw x1, x2 gives the engine's predictions on the transformed rows", async () => {
    for (const rows of [{ x: rawPlaneRows(validationRows(run.config, run.dataset)), n: 40 }, grid()]) {
      const n = Math.min(rows.n, rows.x.length / 2);
      const raw = rows.x.slice(0, 2 * n);
      const fromFile = await predictWithOnnx(bytes, raw, n, path);
      const fromEngine = await enginePredict(snapshot, expandRows(raw, n, TRANSFORMS), n);
      expect(fromFile.values.length).toBe(fromEngine.length);
      let max = 0;
      fromEngine.forEach((v, i) => (max = Math.max(max, Math.abs(v - fromFile.values[i]!))));
      expect(max).toBeLessThanOrEqual(VERIFY_TOLERANCE);
    }
    // Rows that carry the transforms' columns are refused: the graph takes x1, x2 only.
    const wide = expandRows(Float32Array.of(1, 2), 1, TRANSFORMS);
    await expect(predictWithOnnx(bytes, wide, 1, path)).rejects.toThrow(/takes 2 features per row \(x1, x2/);
  });

  it("computes each transform column as expandRows does (Mul exactly, Sin within float32's rounding)", async () => {
    // An identity network over all five transforms: its output is the graph's transformed features themselves.
    const all = [...FEATURE_TRANSFORMS];
    const width = 2 + all.length;
    const W = new Float32Array(width * width);
    for (let i = 0; i < width; i++) W[i * width + i] = 1;
    const identity: ModelSnapshot = {
      task: 'regression',
      head: 'identity',
      loss: 'mse',
      layers: [{ inputs: width, units: width, activation: 'identity', W, b: new Float32Array(width) }],
      standardize: null,
      featureNames: ['x1', 'x2', ...all],
    };
    const model = buildOnnxModel(identity, { ...meta, transforms: all, producerVersion: 'test' });
    const { x, n } = grid();
    const { values } = await runOnnx(model, x, n);
    const expected = expandRows(x, n, all);
    let sinDiff = 0;
    for (let i = 0; i < n; i++)
      all.forEach((t, k) => {
        const j = i * width + 2 + k;
        if (t.startsWith('sin')) sinDiff = Math.max(sinDiff, Math.abs(values[j]! - expected[j]!));
        else expect(values[j]! - expected[j]!, `${t} of row ${i}`).toBe(0); // the Gemm's +0 bias makes −0 read +0
      });
    expect(sinDiff).toBeLessThanOrEqual(1e-6);
    expect(Array.from(values.filter((_, j) => j % width < 2))).toEqual(Array.from(x));
  });

  it('a model whose transforms metadata differs from its graph, or names no transform we write, is not ours', () => {
    const tamper = (value: string) => {
      const m = decodeModel(bytes, path);
      m.metadataProps = m.metadataProps.map((p) => (p.key === META.transforms ? { key: p.key, value } : p));
      return encodeModel(m);
    };
    const read = (b: Uint8Array) => {
      try {
        readOnnxModel(b, path);
      } catch (e) {
        return e as OnnxError;
      }
      throw new Error('read');
    };
    const swapped = read(tamper(JSON.stringify(['x1^2', 'x2^2', 'x1*x2', 'sin(x2)'])));
    expect(swapped.code).toBe('not_ours');
    expect(swapped.message).toMatch(/node \d+ is "transforms\.3\.sin"|expected/);
    const unknown = read(tamper(JSON.stringify(['cos(x1)'])));
    expect(unknown.code).toBe('not_ours');
    expect(unknown.message).toContain('its transforms metadata');
  });
});
