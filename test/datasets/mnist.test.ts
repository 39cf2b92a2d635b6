// The built-in MNIST (the mnist package, registered on the Node host) and its preset MLP: ≥ 0.90 validation
// accuracy in three epochs on the CPU.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { findDataset, loadBuiltinDataset } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import { train } from '../../engine/trainer.ts';

const PRESET = JSON.parse(readFileSync(new URL('../../datasets/presets/mnist-mlp.json', import.meta.url), 'utf8'));

describe('mnist', () => {
  it('is 10,000 digits of 784 pixels in [0, 1], classes 0–9 interleaved', () => {
    expect(findDataset('mnist')).toMatchObject({ task: 'classification', generated: false });
    const d = loadBuiltinDataset(parseConfig({ dataset: { name: 'mnist' } }).dataset);
    expect(d).toMatchObject({
      n: 10_000,
      features: 784,
      outputs: 10,
      classLabels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(Array.from(d.labels!.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(Math.min(...d.x.subarray(0, 784 * 50))).toBe(0);
    expect(Math.max(...d.x.subarray(0, 784 * 50))).toBe(1);
  });

  it('the preset 784-128-10 MLP reaches ≥ 0.90 validation accuracy in 3 epochs', async () => {
    const config = parseConfig({ ...PRESET, epochs: 3, backend: 'cpu' });
    expect(config.model.layers.map((l) => l.units)).toEqual([128]);
    const dataset = loadBuiltinDataset(config.dataset);
    const backend = new CpuBackend('float32');
    const result = await train(config, dataset, backend, {});
    backend.dispose();
    expect(result.summary.status).toBe('completed');
    expect(result.summary.final!.valAcc).toBeGreaterThanOrEqual(0.9);
  });
});
