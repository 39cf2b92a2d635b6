// Every activation and every head: train with the engine, export, verify in onnxruntime-web (max |diff| ≤ 1e-5 on
// the validation rows), and read the file back to the same snapshot.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation, type ExperimentConfigInput } from '../../engine/config.ts';
import { exportVerified, readOnnxModel, validationRows, VERIFY_TOLERANCE } from '../../export/onnx/node/index.ts';
import { trainTiny } from './train-tiny.ts';

const hidden = (activation: Activation, units = 8) => [
  { units, activation },
  { units, activation },
];

const cases: { name: string; config: ExperimentConfigInput; output: 'probabilities' | 'output'; units: number }[] = [
  ...ACTIVATIONS.map((activation) => ({
    name: `${activation} hidden layers, softmax + cross-entropy on xor`,
    config: { dataset: { name: 'xor', samples: 200 }, model: { layers: hidden(activation) } },
    output: 'probabilities' as const,
    units: 2,
  })),
  {
    name: 'sigmoid head + binary cross-entropy on circles',
    config: { dataset: { name: 'circles', samples: 200 }, model: { layers: hidden('tanh'), head: 'sigmoid' } },
    output: 'probabilities',
    units: 1,
  },
  {
    name: 'identity head + mse on sine',
    config: { dataset: { name: 'sine', samples: 200 }, model: { layers: hidden('gelu', 16), head: 'identity' } },
    output: 'output',
    units: 1,
  },
  {
    name: 'softmax head, three classes, on iris',
    config: { dataset: { name: 'iris' }, model: { layers: hidden('leaky_relu') } },
    output: 'probabilities',
    units: 3,
  },
];

describe('export + onnxruntime verification', () => {
  it.each(cases)('$name', async ({ config, output, units }) => {
    const run = await trainTiny(config);
    const rows = validationRows(run.config, run.dataset);
    const { bytes, verification } = await exportVerified(run.result.final, run.meta, rows);

    expect(verification.samples).toBe(rows.n);
    expect(verification.samples).toBeGreaterThan(0);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(VERIFY_TOLERANCE);
    expect(verification.ortVersion).toBe('1.30.0');
    console.log(`max |onnxruntime − engine| = ${verification.maxAbsDiff.toExponential(2)} over ${rows.n} rows`);

    const info = readOnnxModel(bytes);
    expect(info.output).toEqual({ name: output, units });
    expect(info.snapshot.head).toBe(run.result.final.head);
    expect(info.snapshot.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual(
      run.result.final.layers.map((l) => [l.inputs, l.units, l.activation]),
    );
    info.snapshot.layers.forEach((l, i) => {
      expect(l.W).toEqual(run.result.final.layers[i]!.W);
      expect(l.b).toEqual(run.result.final.layers[i]!.b);
    });
  });
});
