// Compared runs are labelled by what differs between their configs, with the name, the seed and the id as fallbacks.
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../engine/config.ts';
import { runLabels } from '../../insight/index.ts';

const run = (id: string, input: Record<string, unknown>, name: string | null = null) => ({
  id,
  name,
  config: parseConfig({ dataset: { name: 'moons' }, ...input }) as ExperimentConfig,
});

describe('runLabels', () => {
  it('names the varying key by its unambiguous last part', () => {
    const layers = (activation: string) => ({ model: { layers: [{ units: 8, activation }] } });
    expect(runLabels([run('a1', layers('sigmoid'), 'act-compare'), run('b2', layers('relu'), 'act-compare')])).toEqual([
      'activation=sigmoid',
      'activation=relu',
    ]);
  });

  it('keeps enough of the path where the last part is ambiguous, and leaves out name and seed', () => {
    const labels = runLabels([
      run('a1', { dataset: { name: 'moons' }, name: 'x', seed: 1 }),
      run('b2', { dataset: { name: 'circles' }, name: 'y', seed: 2 }),
    ]);
    expect(labels).toEqual(['dataset.name=moons', 'dataset.name=circles']);
  });

  it('lists at most three keys, then an ellipsis', () => {
    const labels = runLabels([
      run('a1', { optimizer: { lr: 0.1, momentum: 0.5 }, epochs: 10, batchSize: 16 }),
      run('b2', { optimizer: { lr: 0.01, momentum: 0.9 }, epochs: 20, batchSize: 32 }),
    ]);
    expect(labels[0]).toMatch(/^[^,]+=[^,]+, [^,]+=[^,]+, [^,]+=[^,]+, …$/);
    expect(labels[0]).toContain('lr=0.1');
    expect(labels[1]).toContain('lr=0.01');
  });

  it('puts the key with the most distinct values first', () => {
    const labels = runLabels(
      [0.1, 0.2, 0.3].map((lr, i) => run(`r${i}`, { dataset: { samples: i === 0 ? 300 : 500 }, optimizer: { lr } })),
    );
    expect(labels).toEqual(['lr=0.1, samples=300', 'lr=0.2, samples=500', 'lr=0.3, samples=500']);
  });

  it('rounds numbers only as far as the values stay distinct', () => {
    const lrs = [0.001, 0.001 * 1.15, 0.001 * 1.15 ** 2, 0.0010001];
    const labels = runLabels(lrs.map((lr, i) => run(`r${i}`, { optimizer: { lr } })));
    expect(labels.slice(0, 3)).toEqual(['lr=0.001', 'lr=0.00115', 'lr=0.0013225']);
    expect(new Set(labels).size).toBe(4);
    expect(labels[3]).toBe('lr=0.0010001');
  });

  it('falls back to the name, then the seed, then the id', () => {
    expect(runLabels([run('a1', {}, 'fast'), run('b2', {}, 'slow')])).toEqual(['fast', 'slow']);
    expect(runLabels([run('a1', { seed: 1 }, 'same'), run('b2', { seed: 2 }, 'same')])).toEqual(['seed=1', 'seed=2']);
    expect(runLabels([run('a1', { seed: 1 }, 'fast'), run('b2', { seed: 2 }, 'slow')])).toEqual(['fast', 'slow']);
    expect(runLabels([run('a1', {}), run('b2', {})])).toEqual(['a1', 'b2']);
  });

  it('appends the id to labels two runs share', () => {
    const labels = runLabels([
      run('a1', { optimizer: { lr: 0.1 } }, 'n'),
      run('b2', { optimizer: { lr: 0.1 } }, 'n'),
      run('c3', { optimizer: { lr: 0.2 } }, 'n'),
    ]);
    expect(labels).toEqual(['lr=0.1 · a1', 'lr=0.1 · b2', 'lr=0.2']);
    expect(runLabels([run('a1', {}, 'same'), run('b2', {}, 'same')])).toEqual(['same · a1', 'same · b2']);
  });
});
