// @vitest-environment happy-dom
// The network view on the engine's own initial weights (initWeights, as a run starts): a 784-128-10 MNIST net draws
// its top 16 inputs and top 32 hidden units by outgoing weight norm with "+N more", all 10 outputs, and only edges
// between drawn units; a 2-D spiral net draws one activation thumbnail per unit (x₁ and x₂ included), and hovering an
// edge reads its weight.
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { initWeights } from '../../engine/model/init.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { datasetOf, pointsOf } from '../../renderer/charts/points.ts';
import NetworkView from '../../renderer/network/NetworkView.vue';
import { MAX_INPUTS, MAX_UNITS } from '../../renderer/network/network-layout.ts';

function initialSnapshot(dataset: string, layers: number[], features: number, classes: number): ModelSnapshot {
  const config = parseConfig({
    dataset: { name: dataset },
    model: { layers: layers.map((units) => ({ units, activation: 'relu' })) },
    seed: 3,
  });
  return {
    task: 'classification',
    head: 'softmax',
    loss: 'cross_entropy',
    layers: initWeights(config, features, classes, 'softmax'),
    standardize: null,
  };
}

describe('the network view', () => {
  it('caps a 784-128-10 MNIST net at its top units by outgoing weight norm, with "+N more"', () => {
    const snapshot = initialSnapshot('mnist', [128], 784, 10);
    const w = mount(NetworkView, { props: { snapshot, points: null } });
    const column = (i: number) => w.find(`[data-test="net-column-${i}"]`);
    expect([0, 1, 2].map((i) => Number(column(i).attributes('data-shown')))).toEqual([MAX_INPUTS, MAX_UNITS, 10]);
    expect(w.findAll('[data-test="net-unit"]')).toHaveLength(MAX_INPUTS + MAX_UNITS + 10);
    expect(w.findAll('[data-test="net-more"]').map((m) => m.text())).toEqual(['+768 more', '+96 more']);
    // Only edges between drawn units: 16 × 32 + 32 × 10, never the net's 101,632 weights.
    expect(w.findAll('[data-test="net-edge"]')).toHaveLength(MAX_INPUTS * MAX_UNITS + MAX_UNITS * 10);
    // The drawn inputs are the 16 largest ‖W₀[k, :]‖, computed here independently.
    const W = snapshot.layers[0]!.W;
    const norm = (k: number) => Math.hypot(...W.subarray(k * 128, (k + 1) * 128));
    const ranked = Array.from({ length: 784 }, (_, k) => k).sort((a, b) => norm(b) - norm(a));
    const drawn = column(0)
      .findAll('[data-test="net-unit"]')
      .map((u) => Number(u.attributes('data-index')));
    expect(drawn).toEqual(ranked.slice(0, MAX_INPUTS).sort((a, b) => a - b));
    expect(w.find('[data-test="net-thumbnail"]').exists()).toBe(false);
  });

  it('draws 784-128-64-10 with at most the capped units and edges', () => {
    const snapshot = initialSnapshot('mnist', [128, 64], 784, 10);
    const w = mount(NetworkView, { props: { snapshot, points: null } });
    expect(w.findAll('[data-test="net-unit"]')).toHaveLength(MAX_INPUTS + 2 * MAX_UNITS + 10);
    expect(w.findAll('[data-test="net-more"]').map((m) => m.text())).toEqual(['+768 more', '+96 more', '+32 more']);
    expect(w.findAll('[data-test="net-edge"]')).toHaveLength(
      MAX_INPUTS * MAX_UNITS + MAX_UNITS * MAX_UNITS + MAX_UNITS * 10,
    );
  });

  it('gives a 2-D spiral net a thumbnail per unit (its inputs too), and reads an edge’s weight on hover', async () => {
    const config = parseConfig({ dataset: { name: 'spiral', samples: 200 } });
    const snapshot = initialSnapshot('spiral', [8, 6], 2, 3);
    const w = mount(NetworkView, {
      props: { snapshot, points: pointsOf(datasetOf(config.dataset)) },
      attachTo: document.body,
    });
    expect(w.findAll('[data-test="net-thumbnail"]')).toHaveLength(2 + 8 + 6 + 3);
    expect(w.find('[data-test="net-more"]').exists()).toBe(false);
    const edges = w.findAll('[data-test="net-edge"]');
    expect(edges).toHaveLength(2 * 8 + 8 * 6 + 6 * 3);
    // The strongest edge is drawn last; point at its middle.
    const last = edges[edges.length - 1]!;
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => Number(last.attributes(a)));
    await w.find('svg').trigger('mousemove', { clientX: (x1! + x2!) / 2, clientY: (y1! + y2!) / 2 });
    const weight = Number(last.attributes('data-weight'));
    expect(w.find('[data-test="network-tooltip"]').text()).toMatch(
      new RegExp(`weight ${String(Number(weight.toPrecision(4))).replace('.', '\\.')}$`),
    );
    w.unmount();
  });

  it('draws a 2-512-3 net as its top 32 hidden units with "+480 more", a thumbnail each', () => {
    const config = parseConfig({ dataset: { name: 'spiral', samples: 200 } });
    const snapshot = initialSnapshot('spiral', [512], 2, 3);
    const w = mount(NetworkView, { props: { snapshot, points: pointsOf(datasetOf(config.dataset)) } });
    expect(Number(w.find('[data-test="net-column-1"]').attributes('data-shown'))).toBe(MAX_UNITS);
    expect(w.findAll('[data-test="net-more"]').map((m) => m.text())).toEqual(['+480 more']);
    expect(w.findAll('[data-test="net-thumbnail"]')).toHaveLength(2 + MAX_UNITS + 3);
    expect(w.findAll('[data-test="net-edge"]')).toHaveLength(2 * MAX_UNITS + MAX_UNITS * 3);
  });

  it('shows an MNIST net’s first-layer weights as one 28 × 28 tile per drawn unit', () => {
    const snapshot = initialSnapshot('mnist', [128], 784, 10);
    const w = mount(NetworkView, { props: { snapshot, points: null } });
    const tiles = w.findAll('[data-test="net-weight-tile"]');
    expect(tiles).toHaveLength(MAX_UNITS);
    const drawn = w
      .find('[data-test="net-column-1"]')
      .findAll('[data-test="net-unit"]')
      .map((u) => Number(u.attributes('data-index')));
    expect(tiles.map((t) => Number(t.attributes('data-index')))).toEqual(drawn);
    expect(w.find('[data-test="tiles-more"]').text()).toBe('+96 more');
    expect(w.find('[data-test="weight-tiles"]').text()).toContain('28 × 28');
  });

  it('draws a sine net’s fit and one thin curve per last hidden unit over the data', () => {
    const config = parseConfig({ dataset: { name: 'sine', samples: 100 } });
    const snapshot: ModelSnapshot = {
      ...initialSnapshot('sine', [16, 12], 1, 1),
      task: 'regression',
      head: 'identity',
      loss: 'mse',
    };
    const w = mount(NetworkView, { props: { snapshot, points: pointsOf(datasetOf(config.dataset)) } });
    expect(w.findAll('[data-test="unit-curve"]')).toHaveLength(12);
    expect(w.find('[data-test="fit-curve"]').attributes('d')).toMatch(/^M[\d.-]+,[\d.-]+(L[\d.-]+,[\d.-]+){199}$/);
    expect(w.find('[data-test="net-thumbnail"]').exists()).toBe(false);
    expect(w.find('[data-test="weight-tiles"]').exists()).toBe(false);
  });

  it('gives a net on x1, x2 and feature transforms a thumbnail per input, the transforms labelled', () => {
    const config = parseConfig({ dataset: { name: 'circles', samples: 200, transforms: ['x1^2', 'sin(x2)'] } });
    const data = datasetOf(config.dataset);
    const snapshot = { ...initialSnapshot('circles', [5], 4, 2), featureNames: data.featureNames };
    const w = mount(NetworkView, { props: { snapshot, points: pointsOf(data) } });
    expect(w.findAll('[data-test="net-thumbnail"]')).toHaveLength(4 + 5 + 2);
    expect(w.find('[data-test="net-column-0"]').text()).toBe('x1x2x₁²sin x₂');
  });
});
