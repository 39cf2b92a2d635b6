// ExperimentConfig: defaults that make a first run, and errors that name the field and the value.
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig, resolveHeadAndLoss } from '../../engine/config.ts';

describe('ExperimentConfig', () => {
  it('fills defaults for an empty config', () => {
    const c = defaultConfig();
    expect(c.dataset.name).toBe('spiral');
    expect(c.model.layers).toHaveLength(2);
    expect(c.optimizer.type).toBe('adam');
    expect(c.backend).toBe('auto');
  });

  it.each([
    [{ optimizer: { lr: -1 } }, 'optimizer.lr', /optimizer\.lr.*-1/],
    [{ batchSize: 0 }, 'batchSize', /batchSize.*0/],
    [
      { model: { layers: [{ units: 8 }, { units: 4, activation: 'swish' }] } },
      'model.layers[1].activation',
      /model\.layers\[1\]\.activation.*"swish"/,
    ],
    [{ model: { layers: [{ units: 8, dropout: 1 }] } }, 'model.layers[0].dropout', /dropout.*1/],
    [{ epochs: 2.5 }, 'epochs', /epochs.*2\.5/],
    [{ backend: 'tpu' }, 'backend', /backend.*"tpu"/],
  ])('rejects %j naming the field and value', (input, field, message) => {
    try {
      parseConfig(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe(field);
      expect((e as ConfigError).message).toMatch(message);
    }
  });

  it('rejects unknown keys by name', () => {
    expect(() => parseConfig({ optimiser: {} })).toThrow(/unknown key "optimiser"/);
  });

  it('resolves auto head and loss per task and refuses mismatched pairs', () => {
    expect(resolveHeadAndLoss(defaultConfig(), 'classification', 3)).toEqual({
      head: 'softmax',
      loss: 'cross_entropy',
    });
    expect(resolveHeadAndLoss(defaultConfig(), 'regression', 1)).toEqual({ head: 'identity', loss: 'mse' });
    expect(resolveHeadAndLoss(parseConfig({ model: { head: 'sigmoid' } }), 'classification', 2)).toEqual({
      head: 'sigmoid',
      loss: 'binary_cross_entropy',
    });
    expect(() => resolveHeadAndLoss(parseConfig({ model: { head: 'sigmoid' } }), 'classification', 3)).toThrow(
      /model\.head.*two classes/,
    );
    expect(() =>
      resolveHeadAndLoss(parseConfig({ loss: 'cross_entropy', model: { head: 'sigmoid' } }), 'classification', 2),
    ).toThrow(/^loss:/);
    expect(() => resolveHeadAndLoss(parseConfig({ model: { head: 'softmax' } }), 'regression', 1)).toThrow(
      /regression/,
    );
  });
});
