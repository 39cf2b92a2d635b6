// The sweep view's data: runs as rows over the varied keys, parallel-coordinates axes, the two-key heatmap.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { gridSize, heatmap, LOSS_AXIS, parallelCoordinates, sweepRows, type SweepRun } from '../../insight/index.ts';

const keys = ['optimizer.lr', 'model.layers', 'batchSize'];

function run(id: string, lr: number, units: number[], batchSize: number, bestValLoss: number | null): SweepRun {
  const config = parseConfig({ optimizer: { lr }, model: { layers: units.map((u) => ({ units: u })) }, batchSize });
  return { id, status: bestValLoss === null ? 'failed' : 'completed', config, bestValLoss, finalValAcc: null };
}

const runs = [
  run('r1', 0.1, [8], 16, 0.5),
  run('r2', 0.001, [8], 32, 0.2),
  run('r3', 0.1, [16, 16], 16, 0.3),
  run('r4', 0.001, [16, 16], 32, 0.1),
  run('r5', 0.001, [16, 16], 16, 0.05),
  run('r6', 0.1, [8], 32, null),
];

describe('sweep views', () => {
  it('counts a grid’s runs as the product of its axes', () => {
    expect(gridSize([{ values: [1, 2] }, { values: ['a', 'b', 'c'] }])).toBe(6);
    expect(gridSize([])).toBe(0);
  });

  it('reads the varied keys out of each run’s config', () => {
    expect(sweepRows(runs, keys)[2]).toEqual({
      id: 'r3',
      status: 'completed',
      values: [0.1, '16x16', 16],
      bestValLoss: 0.3,
      finalValAcc: null,
    });
  });

  it('draws a line per finished run; decades get a log axis, layer lists a category axis', () => {
    const p = parallelCoordinates(sweepRows(runs, keys), keys);
    expect(p.axes).toEqual([
      { name: 'optimizer.lr', type: 'log' },
      { name: 'model.layers', type: 'category', categories: ['8', '16x16'] },
      { name: 'batchSize', type: 'value' },
      { name: LOSS_AXIS, type: 'value' },
    ]);
    expect(p.lines).toHaveLength(5);
    expect(p.lines[1]).toEqual({ id: 'r2', values: [0.001, '8', 32, 0.2] });
  });

  it('puts the lowest loss of each cell in the heatmap, numbers in order', () => {
    const h = heatmap(sweepRows(runs, keys), keys, 'optimizer.lr', 'model.layers');
    expect(h.xValues).toEqual(['0.001', '0.1']);
    expect(h.yValues).toEqual(['8', '16x16']);
    expect(h.cells).toEqual(
      expect.arrayContaining([
        [1, 0, 0.5],
        [0, 0, 0.2],
        [1, 1, 0.3],
        [0, 1, 0.05],
      ]),
    );
    expect(h.cells).toHaveLength(4);
    expect(() => heatmap(sweepRows(runs, keys), keys, 'seed', 'batchSize')).toThrow(/not among the sweep's keys/);
  });
});
