// Grid expansion: parsing --grid flags, the cartesian product over a base config, and errors that name key and value.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { expandGrid, GridError, parseGridFlag } from '../../engine/experiment/index.ts';

const base = parseConfig({
  dataset: { name: 'xor' },
  model: { layers: [{ units: 8, activation: 'tanh', dropout: 0.1 }] },
  epochs: 3,
});

function gridError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GridError) return e.message;
    throw e;
  }
  throw new Error('no GridError');
}

describe('parseGridFlag', () => {
  it.each([
    ['optimizer.lr=0.3,0.1,0.03', { key: 'optimizer.lr', values: [0.3, 0.1, 0.03] }],
    ['optimizer.type=sgd,adam', { key: 'optimizer.type', values: ['sgd', 'adam'] }],
    ['optimizer.nesterov=true,false', { key: 'optimizer.nesterov', values: [true, false] }],
    ['model.layers=16,16x16,64x64', { key: 'model.layers', values: [[16], [16, 16], [64, 64]] }],
    ['model.layers=0,4', { key: 'model.layers', values: [[], [4]] }],
    [' batchSize = 1, 32 ', { key: 'batchSize', values: [1, 32] }],
  ])('%s', (flag, axis) => {
    expect(parseGridFlag(flag)).toEqual(axis);
  });

  it.each([
    ['optimizer.lr', /expected KEY=V1,V2/],
    ['optimizer.lrr=0.1', /--grid optimizer\.lrr: not a config key/],
    ['optimizer.lr=0.1,,0.2', /--grid optimizer\.lr: an empty value/],
    ['optimizer.lr=0.1,0.1', /--grid optimizer\.lr: the value 0\.1 is listed twice/],
    ['model.layers=16x0', /--grid model\.layers=16x0: "0" is not a positive number of units/],
    ['model.layers=16,abc', /--grid model\.layers=abc: "abc"/],
  ])('rejects %s', (flag, message) => {
    expect(gridError(() => parseGridFlag(flag))).toMatch(message);
  });
});

describe('expandGrid', () => {
  it('is the cartesian product, first axis outermost', () => {
    const points = expandGrid(base, [parseGridFlag('optimizer.lr=0.1,0.01'), parseGridFlag('batchSize=8,16,32')]);
    expect(points).toHaveLength(6);
    expect(points.map((p) => [p.config.optimizer.lr, p.config.batchSize])).toEqual([
      [0.1, 8],
      [0.1, 16],
      [0.1, 32],
      [0.01, 8],
      [0.01, 16],
      [0.01, 32],
    ]);
    expect(points[4]!.assignments.map((a) => `${a.key}=${a.text}`)).toEqual(['optimizer.lr=0.01', 'batchSize=16']);
    expect(points[0]!.config.dataset.name).toBe('xor');
  });

  it('keeps the base activation and dropout when the layer list changes', () => {
    const points = expandGrid(base, [parseGridFlag('model.layers=16,16x16,0')]);
    expect(points[1]!.config.model.layers).toEqual([
      { units: 16, activation: 'tanh', dropout: 0.1 },
      { units: 16, activation: 'tanh', dropout: 0.1 },
    ]);
    expect(points[2]!.config.model.layers).toEqual([]);
    expect(points[2]!.assignments[0]!.text).toBe('0');
  });

  it('applies a per-layer setting to the layers of each point, whatever the axis order', () => {
    const points = expandGrid(base, [
      parseGridFlag('model.layers.activation=relu,gelu'),
      parseGridFlag('model.layers=4x4'),
    ]);
    expect(points[1]!.config.model.layers.map((l) => l.activation)).toEqual(['gelu', 'gelu']);
  });

  it('does not change the base config', () => {
    const copy = structuredClone(base);
    expandGrid(base, [parseGridFlag('model.layers=2x2'), parseGridFlag('optimizer.lr=0.5')]);
    expect(base).toEqual(copy);
  });

  it.each([
    [['optimizer.lr=0.1,-1'], /^--grid optimizer\.lr=-1: optimizer\.lr: /],
    [['optimizer.type=sgd,rmsprop'], /^--grid optimizer\.type=rmsprop: optimizer\.type: /],
    [['model.layers=4', 'model.layers.activation=relu,swish'], /^--grid model\.layers\.activation=swish: /],
    [['model.layers.dropout=0,1.5'], /^--grid model\.layers\.dropout=1\.5: /],
    [['epochs=10,ten'], /^--grid epochs=ten: epochs: .*"ten"/],
  ])('names the key and value of an invalid point: %j', (flags, message) => {
    expect(
      gridError(() =>
        expandGrid(
          base,
          flags.map((f) => parseGridFlag(f)),
        ),
      ),
    ).toMatch(message);
  });

  it('rejects a key given twice, no axes, and oversized grids', () => {
    expect(gridError(() => expandGrid(base, [parseGridFlag('seed=1,2'), parseGridFlag('seed=3')]))).toMatch(
      /--grid seed: the key is given twice/,
    );
    expect(gridError(() => expandGrid(base, []))).toMatch(/at least one --grid/);
    const big = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    expect(gridError(() => expandGrid(base, [parseGridFlag(`seed=${big}`), parseGridFlag(`epochs=${big}`)]))).toMatch(
      /10201 points/,
    );
  });
});
