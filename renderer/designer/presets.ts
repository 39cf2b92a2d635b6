// Starting points from the lecture's experiments: XOR needs one hidden layer; on the spiral, depth against width on
// a similar parameter budget; a 1-D sine for approximation by a single wide layer; MNIST as the CLI's preset has it
// (datasets/presets/mnist-mlp.json), with fewer epochs for a window.
import type { ExperimentConfigInput } from '../../engine/config.ts';

export interface Preset {
  id: string;
  title: string;
  config: ExperimentConfigInput;
}

export const PRESETS: Preset[] = [
  {
    id: 'xor',
    title: 'XOR, one hidden layer',
    config: {
      name: 'xor-1x4',
      dataset: { name: 'xor', samples: 400, noise: 0.05 },
      model: { layers: [{ units: 4, activation: 'tanh' }] },
      optimizer: { type: 'adam', lr: 0.03 },
      batchSize: 16,
      epochs: 60,
    },
  },
  {
    id: 'spiral-deep',
    title: 'Spiral, deep (4 × 12)',
    config: {
      name: 'spiral-deep',
      dataset: { name: 'spiral', samples: 600, noise: 0.05 },
      model: { layers: Array.from({ length: 4 }, () => ({ units: 12, activation: 'relu' as const })) },
      optimizer: { type: 'adam', lr: 0.01 },
      batchSize: 32,
      epochs: 150,
    },
  },
  {
    id: 'spiral-wide',
    title: 'Spiral, wide (1 × 110)',
    config: {
      name: 'spiral-wide',
      dataset: { name: 'spiral', samples: 600, noise: 0.05 },
      model: { layers: [{ units: 110, activation: 'relu' }] },
      optimizer: { type: 'adam', lr: 0.01 },
      batchSize: 32,
      epochs: 150,
    },
  },
  {
    id: 'sine',
    title: 'Sine, one wide tanh layer',
    config: {
      name: 'sine-1x32',
      dataset: { name: 'sine', samples: 400, noise: 0.05 },
      model: { layers: [{ units: 32, activation: 'tanh' }] },
      optimizer: { type: 'adam', lr: 0.01 },
      epochs: 200,
    },
  },
  {
    id: 'mnist',
    title: 'MNIST MLP (784-128-10)',
    config: {
      name: 'mnist-784-128-10',
      dataset: { name: 'mnist', seed: 1 },
      validationSplit: 0.2,
      standardize: false,
      model: { layers: [{ units: 128, activation: 'relu' }] },
      optimizer: { type: 'adam', lr: 0.001 },
      batchSize: 64,
      epochs: 3,
    },
  },
];
