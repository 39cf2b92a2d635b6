// MNIST as a Dataset: the `mnist` package's 10,000 digits (1,000 or so per class, 28 × 28 grey levels in [0, 1]).
// Pure: the host loads the package's pixel arrays (they are JSON files) and hands them to `mnistDataset`.
import type { BuiltinDataset } from './builtin.ts';
import type { Dataset } from '../types.ts';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

export const MNIST_DESCRIPTION = 'Handwritten digits (mnist package): 10,000 images, 784 pixels in [0, 1], 10 classes';

/** `digits[k]`: the flat pixels of every image of digit k, image after image (row-major 28 × 28). */
export function mnistDataset(digits: readonly ArrayLike<number>[]): Dataset {
  const counts = digits.map((pixels) => Math.floor(pixels.length / MNIST_PIXELS));
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * MNIST_PIXELS);
  const labels = new Uint32Array(n);
  // Interleave the classes (0, 1, …, 9, 0, 1, …) so any prefix of the rows is roughly balanced.
  const next = counts.map(() => 0);
  let row = 0;
  while (row < n) {
    for (let k = 0; k < digits.length; k++) {
      if (next[k]! >= counts[k]!) continue;
      const start = next[k]! * MNIST_PIXELS;
      const pixels = digits[k]!;
      for (let j = 0; j < MNIST_PIXELS; j++) x[row * MNIST_PIXELS + j] = pixels[start + j]!;
      labels[row] = k;
      next[k]!++;
      row++;
    }
  }
  return {
    name: 'mnist',
    task: 'classification',
    n,
    features: MNIST_PIXELS,
    outputs: digits.length,
    x,
    labels,
    classLabels: digits.map((_, k) => String(k)),
    featureNames: Array.from({ length: MNIST_PIXELS }, (_, j) => `px_${Math.floor(j / MNIST_SIDE)}_${j % MNIST_SIDE}`),
  };
}

/** The registry entry; `load` gives the per-digit pixel arrays (the host knows how to read the package). */
export function mnistBuiltin(load: () => readonly ArrayLike<number>[]): BuiltinDataset {
  let cached: Dataset | undefined;
  return {
    name: 'mnist',
    description: MNIST_DESCRIPTION,
    task: 'classification',
    generated: false,
    generate: () => (cached ??= mnistDataset(load())),
  };
}
