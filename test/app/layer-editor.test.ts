// @vitest-environment happy-dom
// The layer editor: add, remove, reorder, edit units/activation/dropout; each action emits one new array; the
// schema's messages appear under the field they are about.
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { LayerConfig } from '../../engine/config.ts';
import LayerEditor from '../../renderer/designer/LayerEditor.vue';

const twoLayers: LayerConfig[] = [
  { units: 16, activation: 'relu', dropout: 0 },
  { units: 8, activation: 'tanh', dropout: 0.1 },
];

function mountEditor(layers = twoLayers, errors = {}) {
  return mount(LayerEditor, { props: { modelValue: layers, errors, inputs: 2, outputs: 3 } });
}

function lastUpdate(wrapper: ReturnType<typeof mountEditor>): LayerConfig[] {
  const updates = wrapper.emitted('update:modelValue')!;
  return updates[updates.length - 1]![0] as LayerConfig[];
}

describe('LayerEditor', () => {
  it('shows one row per hidden layer between the input and output sizes', () => {
    const w = mountEditor();
    expect(w.findAll('.layer-row')).toHaveLength(2);
    expect(w.text()).toContain('2 features');
    expect(w.text()).toContain('3 outputs');
    expect((w.find('[data-test="layer-1"] .units').element as HTMLInputElement).value).toBe('8');
  });

  it('adds a layer like the last one', async () => {
    const w = mountEditor();
    await w.find('[data-test="add-layer"]').trigger('click');
    expect(lastUpdate(w)).toEqual([...twoLayers, { units: 8, activation: 'tanh', dropout: 0 }]);
  });

  it('removes a layer', async () => {
    const w = mountEditor();
    await w.find('[data-test="layer-0"] [data-test="remove"]').trigger('click');
    expect(lastUpdate(w)).toEqual([twoLayers[1]]);
  });

  it('moves layers up and down, and cannot move past the ends', async () => {
    const w = mountEditor();
    expect(w.find('[data-test="layer-0"] [data-test="up"]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-test="layer-1"] [data-test="down"]').attributes('disabled')).toBeDefined();
    await w.find('[data-test="layer-0"] [data-test="down"]').trigger('click');
    expect(lastUpdate(w)).toEqual([twoLayers[1], twoLayers[0]]);
    await w.setProps({ modelValue: lastUpdate(w) });
    await w.find('[data-test="layer-1"] [data-test="up"]').trigger('click');
    expect(lastUpdate(w)).toEqual(twoLayers);
  });

  it('edits units, activation and dropout of one layer only', async () => {
    const w = mountEditor();
    await w.find('[data-test="layer-1"] .units').setValue('32');
    expect(lastUpdate(w)[1]).toEqual({ ...twoLayers[1], units: 32 });
    expect(lastUpdate(w)[0]).toBe(twoLayers[0]);
    await w.find('[data-test="layer-0"] .activation').setValue('gelu');
    expect(lastUpdate(w)[0]!.activation).toBe('gelu');
    await w.find('[data-test="layer-0"] .dropout').setValue('0.5');
    expect(lastUpdate(w)[0]!.dropout).toBe(0.5);
  });

  it('passes an empty units field on as NaN, for the schema to reject', async () => {
    const w = mountEditor();
    await w.find('[data-test="layer-0"] .units').setValue('');
    expect(lastUpdate(w)[0]!.units).toBeNaN();
  });

  it('shows a validation message under the field it names', () => {
    const w = mountEditor(twoLayers, { 'model.layers[1].units': 'Too small: expected number to be >0' });
    const row = w.find('[data-test="layer-1"]');
    expect(row.find('.field-error').text()).toBe('Too small: expected number to be >0');
    expect(row.find('.units').classes()).toContain('invalid');
    expect(w.find('[data-test="layer-0"] .field-error').exists()).toBe(false);
  });
});
