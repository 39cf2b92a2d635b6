// The symbolic batch (1 row and 1,000 rows through the same file) and standardisation baked into the graph: raw
// features into onnxruntime give what the engine gives on the standardised split it trained with.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { parseConfig, splitSeed, type BuiltinDatasetConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData } from '../../engine/data/prepare.ts';
import { train } from '../../engine/trainer.ts';
import type { Dataset } from '../../engine/types.ts';
import { decodeModel } from '../../export/onnx/proto.ts';
import {
  buildOnnxModel,
  enginePredict,
  exportVerified,
  predictWithOnnx,
  validationRows,
} from '../../export/onnx/node/index.ts';
import { trainTiny } from './train-tiny.ts';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('symbolic batch dimension', () => {
  it('runs 1 row and 1,000 rows through one file', async () => {
    const run = await trainTiny({
      dataset: { name: 'moons', samples: 200 },
      model: { layers: [{ units: 12, activation: 'tanh' }] },
    });
    const { bytes } = await exportVerified(run.result.final, run.meta, validationRows(run.config, run.dataset));
    const input = decodeModel(bytes, 'test').graph.input[0]!;
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || d.dimValue)).toEqual(['batch', 2]);

    const fresh = loadBuiltinDataset({ ...(run.config.dataset as BuiltinDatasetConfig), samples: 1000, seed: 99 });
    const many = await predictWithOnnx(bytes, fresh.x, 1000);
    const one = await predictWithOnnx(bytes, fresh.x.slice(0, 2), 1);
    expect(many.values.length).toBe(1000 * 2);
    expect(one.values.length).toBe(2);
    expect(maxAbsDiff(many.values, await enginePredict(run.result.final, fresh.x, 1000))).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(one.values, many.values.slice(0, 2))).toBeLessThanOrEqual(1e-6);
    expect(many.predictedClass!.length).toBe(1000);
  });
});

describe('standardisation in the graph', () => {
  // xor moved far from the origin and stretched: without the baked-in (x − mean)/std the network sees nonsense.
  function shiftedXor(): Dataset {
    const d = loadBuiltinDataset({ name: 'xor', samples: 300, noise: 0.1, classes: 2, seed: 3 });
    return { ...d, name: 'xor-shifted', x: d.x.map((v, i) => (i % 2 === 0 ? 1000 + 50 * v : -20 + 0.01 * v)) };
  }

  it('gives the engine’s predictions from raw features', async () => {
    const config = parseConfig({ epochs: 10, batchSize: 16, model: { layers: [{ units: 8, activation: 'relu' }] } });
    const dataset = shiftedXor();
    const backend = new CpuBackend('float32'); // keeps the final weights after training
    const result = await train(config, dataset, backend);
    const stats = result.final.standardize!;
    expect(stats.mean[0]).toBeGreaterThan(900);
    expect(stats.std[1]).toBeLessThan(0.1);

    const meta = {
      runId: 'std',
      config,
      dataset: dataset.name,
      checkpoint: 'final' as const,
      metrics: { best: null, final: null },
    };
    const bytes = buildOnnxModel(result.final, { ...meta, producerVersion: '0.0.0' });
    expect(
      decodeModel(bytes, 'test')
        .graph.node.slice(0, 2)
        .map((n) => n.opType),
    ).toEqual(['Sub', 'Div']);

    // The engine's side, computed independently of export/: the standardised validation split the trainer used,
    // through the backend that trained.
    const prepared = prepareData(dataset, config.validationSplit, true, splitSeed(config.dataset));
    const raw = prepareData(dataset, config.validationSplit, false, splitSeed(config.dataset));
    const engine = await backend.predict(prepared.val.x, prepared.val.n);

    const onnx = await predictWithOnnx(bytes, raw.val.x, raw.val.n);
    expect(maxAbsDiff(onnx.values, engine)).toBeLessThanOrEqual(1e-5);
    const alreadyStandardised = await predictWithOnnx(bytes, prepared.val.x, prepared.val.n);
    expect(maxAbsDiff(alreadyStandardised.values, engine)).toBeGreaterThan(1e-2);
  });

  it('writes no Sub/Div when the run did not standardise', async () => {
    const run = await trainTiny({
      standardize: false,
      dataset: { name: 'xor', samples: 100 },
      model: { layers: [{ units: 4, activation: 'relu' }] },
    });
    const { bytes, verification } = await exportVerified(
      run.result.final,
      run.meta,
      validationRows(run.config, run.dataset),
    );
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(decodeModel(bytes, 'test').graph.node.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Softmax']);
  });
});
