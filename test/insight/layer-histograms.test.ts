// Weight histograms over epochs on one shared value grid, and the gradient-norm series.
import { describe, expect, it } from 'vitest';
import { histogram } from '../../engine/layer-stats.ts';
import { gradientNormSeries, histogramGrid, type EpochLayers } from '../../insight/index.ts';

const stats: EpochLayers[] = [
  {
    epoch: 1,
    layers: [
      { weights: histogram([-0.1, 0, 0.1, 0.05], 4), gradNorm: 2 },
      { weights: histogram([1], 4), gradNorm: null },
    ],
  },
  {
    epoch: 2,
    layers: [
      { weights: histogram([-1, -0.5, 0.5, 1], 4), gradNorm: 1 },
      { weights: histogram([1.5], 4), gradNorm: null },
    ],
  },
];

describe('histogram grid', () => {
  it('spans every epoch’s range and keeps each epoch’s count', () => {
    const g = histogramGrid(stats, 0, 10);
    expect(g.epochs).toEqual([1, 2]);
    expect(g.edges[0]).toBe(-1);
    expect(g.edges[10]).toBe(1);
    for (const e of [0, 1]) {
      const total = g.cells.filter((c) => c[0] === e).reduce((s, c) => s + c[2], 0);
      expect(total).toBeCloseTo(4, 12);
    }
    // Epoch 1's weights sit in the middle of the shared range, epoch 2's at its ends.
    expect(g.cells.filter((c) => c[0] === 0).every((c) => c[1] >= 4 && c[1] <= 5)).toBe(true);
    expect(g.cells.filter((c) => c[0] === 1).map((c) => c[1])).toEqual(expect.arrayContaining([0, 9]));
  });

  it('handles a one-weight layer (a zero-width histogram)', () => {
    const g = histogramGrid(stats, 1, 5);
    expect(g.cells.reduce((s, c) => s + c[2], 0)).toBe(2);
  });

  it('returns an empty grid for a layer nobody recorded', () => {
    expect(histogramGrid(stats, 7)).toEqual({ epochs: [], edges: [], cells: [], maxCount: 0 });
  });
});

describe('gradient norm series', () => {
  it('has one series per layer, skipping epochs without a norm', () => {
    expect(gradientNormSeries(stats)).toEqual([
      [
        [1, 2],
        [2, 1],
      ],
      [],
    ]);
  });
});
