// Any-run comparison: the metrics the epochs store, x axes from stored epochs, the log-scale decision, parallel
// coordinates and the scatter over chosen keys, and the labels that say what varies.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import type { EpochMetrics } from '../../engine/types.ts';
import {
  comparedAxis,
  curve,
  METRIC_AXIS,
  metricText,
  parallelOf,
  runLabels,
  runMetric,
  scatterOf,
  spansDecades,
  storedMetrics,
  testScore,
  testScoreMetrics,
  xValues,
  type ComparedRun,
} from '../../insight/index.ts';

const epoch = (n: number, valLoss: number | null, durationMs = 250): EpochMetrics => ({
  epoch: n,
  trainLoss: 1 / n,
  valLoss,
  trainAcc: 0.5,
  valAcc: null,
  lr: 0.01,
  durationMs,
  samplesPerSec: 100,
});

describe('stored metrics', () => {
  it('lists loss and accuracy by split, then the per-epoch values with no split; splits only where a number is', () => {
    const m = storedMetrics([[epoch(1, 0.5), epoch(2, null)]]);
    expect(m.map((x) => [x.metric, x.splits])).toEqual([
      ['loss', ['train', 'val']],
      ['acc', ['train']], // valAcc is null in every epoch: no validation accuracy to pick
      ['lr', []],
      ['durationMs', []],
      ['samplesPerSec', []],
    ]);
    expect(m[0]!.lowerIsBetter).toBe(true);
    expect(m[1]!.lowerIsBetter).toBe(false);
  });

  it('picks up test-set metrics when a run stores them', () => {
    const withTest = { ...epoch(1, 0.4), testLoss: 0.45, testAcc: 0.8 } as EpochMetrics;
    const m = storedMetrics([[epoch(1, 0.5)], [withTest]]);
    expect(m.find((x) => x.metric === 'loss')!.splits).toEqual(['train', 'val', 'test']);
    expect(m.find((x) => x.metric === 'acc')!.splits).toEqual(['train', 'test']);
    expect(metricText('test', 'acc')).toBe('test accuracy');
    expect(curve([withTest], 'test', 'loss')).toEqual([[1, 0.45]]);
  });
});

describe('test-set scores', () => {
  it('offers the test loss and accuracy where a run was scored on a test set, and reads them', () => {
    const scored = { test: { loss: 0.31, acc: 0.9 } };
    const regression = { test: { loss: 0.5, acc: null } };
    expect(testScoreMetrics([{ test: null }, {}])).toEqual([]);
    expect(testScoreMetrics([{ test: null }, regression])).toEqual(['loss']);
    expect(testScoreMetrics([regression, scored])).toEqual(['loss', 'acc']);
    expect(testScore(scored, 'acc')).toBe(0.9);
    expect(testScore(regression, 'acc')).toBeNull();
    expect(testScore({ test: null }, 'loss')).toBeNull();
  });
});

describe('x axes from stored epochs', () => {
  const run = { config: { batchSize: 32 }, dataInfo: { trainSamples: 100 } };
  const epochs = [epoch(1, 0.9, 200), epoch(2, 0.8, 300), epoch(3, 0.7, 500)];

  it('counts optimizer steps as the trainer does (⌈rows / batch⌉ per epoch), samples and seconds', () => {
    expect(xValues(run, epochs, 'epoch')).toEqual([1, 2, 3]);
    expect(xValues(run, epochs, 'step')).toEqual([4, 8, 12]); // ⌈100 / 32⌉ = 4
    expect(xValues(run, epochs, 'samples')).toEqual([100, 200, 300]);
    expect(xValues(run, epochs, 'time')).toEqual([0.2, 0.5, 1]);
  });

  it('puts batch 1 and batch 400 on one step axis', () => {
    const big = { config: { batchSize: 400 }, dataInfo: { trainSamples: 800 } };
    const one = { config: { batchSize: 1 }, dataInfo: { trainSamples: 800 } };
    expect(xValues(big, epochs.slice(0, 1), 'step')).toEqual([2]);
    expect(xValues(one, epochs.slice(0, 1), 'step')).toEqual([800]);
  });

  it('numbers from the epoch, so a missing epoch leaves no shift; nothing where the run has no data info', () => {
    expect(xValues(run, [epoch(2, 0.8), epoch(3, 0.7)], 'samples')).toEqual([200, 300]);
    expect(xValues({ config: { batchSize: 32 }, dataInfo: null }, epochs, 'step')).toEqual([null, null, null]);
    expect(curve(epochs, 'val', 'loss', xValues(run, epochs, 'step'))).toEqual([
      [4, 0.9],
      [8, 0.8],
      [12, 0.7],
    ]);
  });

  it('takes a run’s metric at its recorded best epoch or its last', () => {
    expect(runMetric(epochs, 2, 'val', 'loss', 'best')).toBe(0.8);
    expect(runMetric(epochs, 2, 'val', 'loss', 'last')).toBe(0.7);
    expect(runMetric(epochs, null, 'val', 'loss', 'best')).toBeNull();
    expect(runMetric(epochs, 2, null, 'lr', 'last')).toBe(0.01);
  });
});

describe('log-scale decision', () => {
  it('is log from two decades on, only for positive numbers; the reader’s switch wins where log is possible', () => {
    expect(spansDecades([0.001, 0.1])).toBe(true);
    expect(spansDecades([0.002, 0.1])).toBe(false); // 50×
    expect(spansDecades([0, 0.1, 10])).toBe(false);
    expect(spansDecades([])).toBe(false);
    expect(comparedAxis('lr', 'lr', [0.001, 0.01, 0.1])).toMatchObject({ type: 'log', canLog: true, autoLog: true });
    expect(comparedAxis('lr', 'lr', [0.001, 0.01, 0.1], false).type).toBe('value');
    expect(comparedAxis('b', 'b', [16, 32], true)).toMatchObject({ type: 'log', autoLog: false });
    expect(comparedAxis('m', 'm', [-1, 100], true)).toMatchObject({ type: 'value', canLog: false });
    expect(comparedAxis('act', 'act', ['relu', 'tanh', 'relu'])).toMatchObject({
      type: 'category',
      categories: ['relu', 'tanh'],
    });
  });
});

describe('parallel coordinates and scatter for any runs', () => {
  const configs = [
    parseConfig({ name: 'a', model: { layers: [{ units: 8, activation: 'sigmoid' }] }, optimizer: { lr: 0.001 } }),
    parseConfig({ name: 'b', model: { layers: [{ units: 8, activation: 'relu' }] }, optimizer: { lr: 0.1 } }),
    parseConfig({ name: 'c', model: { layers: [{ units: 8, activation: 'tanh' }] }, optimizer: { lr: 0.01 } }),
  ];
  const labels = runLabels(configs.map((config, i) => ({ id: `r${i}`, name: config.name ?? null, config })));
  const runs: ComparedRun[] = configs.map((config, i) => ({
    id: `r${i}`,
    label: labels[i]!,
    config,
    value: [0.3, 0.2, null][i]!,
  }));

  it('labels runs by what varies between them', () => {
    expect(labels).toEqual(['activation=sigmoid, lr=0.001', 'activation=relu, lr=0.1', 'activation=tanh, lr=0.01']);
  });

  it('draws an axis per chosen key and one for the metric; runs with no value are listed, not drawn', () => {
    const p = parallelOf(runs, ['model.layers.activation', 'optimizer.lr'], 'best val loss');
    expect(p.axes.map((a) => [a.key, a.name, a.type])).toEqual([
      ['model.layers.activation', 'model.layers.activation', 'category'],
      ['optimizer.lr', 'optimizer.lr', 'log'],
      [METRIC_AXIS, 'best val loss', 'value'],
    ]);
    expect(p.lines).toEqual([
      { id: 'r0', label: labels[0], values: ['sigmoid', 0.001, 0.3] },
      { id: 'r1', label: labels[1], values: ['relu', 0.1, 0.2] },
    ]);
    expect(p.missing).toEqual(['r2']);
    const linear = parallelOf(runs, ['optimizer.lr'], 'best val loss', { 'optimizer.lr': false, [METRIC_AXIS]: true });
    expect(linear.axes.map((a) => a.type)).toEqual(['value', 'log']);
  });

  it('scatters any key against the metric', () => {
    const s = scatterOf(runs, 'optimizer.lr', 'last val loss');
    expect(s.x).toMatchObject({ key: 'optimizer.lr', type: 'log' });
    expect(s.y).toMatchObject({ name: 'last val loss', type: 'value' });
    expect(s.points).toEqual([
      { id: 'r0', label: labels[0], x: 0.001, y: 0.3 },
      { id: 'r1', label: labels[1], x: 0.1, y: 0.2 },
    ]);
  });
});
