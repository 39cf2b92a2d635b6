// @vitest-environment happy-dom
// The Designer validates with the engine's ExperimentConfigSchema as the user types: every bad field gets the
// schema's message in place, Train now stays disabled until the design is valid, and a valid design is queued as
// exactly the config the engine would parse.
import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { APP_CONTEXT, type AppContext } from '../../renderer/app-context.ts';
import DesignerView from '../../renderer/designer/DesignerView.vue';
import { draft, loadDraft } from '../../renderer/designer/draft.ts';
import { PRESETS } from '../../renderer/designer/presets.ts';
import { validateDraft } from '../../renderer/designer/validation.ts';

describe('validateDraft', () => {
  it('accepts the defaults and every preset', () => {
    expect(validateDraft(parseConfig({})).errors).toEqual({});
    for (const p of PRESETS) expect(validateDraft(parseConfig(p.config)).errors, p.id).toEqual({});
  });

  it('keys each schema issue by its field path', () => {
    const config = parseConfig({});
    const bad = {
      ...config,
      optimizer: { ...config.optimizer, lr: -1 },
      batchSize: 0,
      model: { ...config.model, layers: [{ units: 0, activation: 'relu', dropout: 1 }] },
    };
    const { config: parsed, errors } = validateDraft(bad);
    expect(parsed).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      'batchSize',
      'model.layers[0].dropout',
      'model.layers[0].units',
      'optimizer.lr',
    ]);
  });

  it('applies the engine’s head/loss rules against the dataset', () => {
    const config = parseConfig({ dataset: { name: 'sine' }, model: { head: 'softmax' } });
    expect(validateDraft(config).errors).toHaveProperty(['model.head']);
    const threeClasses = parseConfig({ dataset: { name: 'spiral', classes: 3 }, model: { head: 'sigmoid' } });
    expect(validateDraft(threeClasses).errors['model.head']).toMatch(/two classes/);
  });
});

describe('DesignerView', () => {
  let add: ReturnType<typeof vi.fn>;

  function mountDesigner() {
    add = vi.fn();
    const ctx = { api: {}, queue: { add, state: { items: [], shown: null, busy: false } } } as unknown as AppContext;
    return mount(DesignerView, {
      global: { provide: { [APP_CONTEXT as symbol]: ctx }, stubs: { PointsChart: true, CurveChart: true } },
    });
  }

  beforeEach(() => loadDraft({}));

  it('shows the schema message at the field and blocks training until it is fixed', async () => {
    const w = mountDesigner();
    expect(w.find('[data-test="train-now"]').attributes('disabled')).toBeUndefined();
    await w.find('[data-test="lr"]').setValue('-0.5');
    const field = w.find('[data-test="lr"]').element.closest('.field')!;
    expect(field.classList.contains('invalid')).toBe(true);
    expect(field.querySelector('.field-error')?.textContent).toMatch(/>0|positive/i);
    expect(w.find('[data-test="invalid"]').text()).toContain('optimizer.lr');
    expect(w.find('[data-test="train-now"]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-test="add-to-queue"]').attributes('disabled')).toBeDefined();
    await w.find('[data-test="lr"]').setValue('0.02');
    expect(w.find('[data-test="invalid"]').exists()).toBe(false);
    expect(w.find('[data-test="train-now"]').attributes('disabled')).toBeUndefined();
  });

  it('validates layer fields edited in the layer editor', async () => {
    const w = mountDesigner();
    await w.find('[data-test="layer-0"] .units').setValue('0');
    expect(w.find('[data-test="layer-0"] .field-error').exists()).toBe(true);
    expect(w.find('[data-test="invalid"]').text()).toContain('model.layers[0].units');
  });

  it('queues the validated config, with defaults filled, when Add to queue is pressed', async () => {
    const w = mountDesigner();
    await w.find('[data-test="epochs"]').setValue('25');
    await w.find('[data-test="add-to-queue"]').trigger('click');
    await flushPromises();
    expect(add).toHaveBeenCalledOnce();
    const [config, options] = add.mock.calls[0]!;
    expect(config).toEqual(parseConfig({ epochs: 25 }));
    expect(options).toEqual({ first: false });
  });

  it('loads a preset into the design', async () => {
    const w = mountDesigner();
    await w.find('[data-test="preset"]').setValue('xor');
    expect(draft.dataset.name).toBe('xor');
    expect(draft.model.layers).toHaveLength(1);
    expect(w.find('[data-test="summary"]').text()).toContain('2 → 4 → 2');
  });
});
