// @vitest-environment happy-dom
// The Designer says what is wrong in the form's words ("Units of layer 1 must be a whole number ≥ 1"), never the
// schema's ("expected int, received number", model.layers[0].units), and warns, without blocking the run, when the
// batch is larger than the training split (the rows less the test split, then the validation split or fold).
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import { APP_CONTEXT, type AppContext } from '../../renderer/app-context.ts';
import DesignerView from '../../renderer/designer/DesignerView.vue';
import { loadDraft } from '../../renderer/designer/draft.ts';
import { trainingRows, validateDraft } from '../../renderer/designer/validation.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { splitRows } from '../../engine/data/split.ts';

/** A full draft (as the form holds it) with one field set to a bad value. */
function draftWith(edit: (d: Record<string, any>) => void): unknown {
  const d = JSON.parse(JSON.stringify(parseConfig({}))) as Record<string, any>;
  edit(d);
  return d;
}

const SCHEMA_WORDS =
  /expected|received|Invalid input|Too (big|small)|model\.layers|optimizer\.|batchSize|validationSplit/;

describe('validation messages', () => {
  const cases: [string, (d: Record<string, any>) => void, string, RegExp][] = [
    [
      'units 1.5',
      (d) => (d.model.layers[0].units = 1.5),
      'model.layers[0].units',
      /^Units of layer 1 must be a whole number ≥ 1/,
    ],
    [
      'units 0 in layer 2',
      (d) => (d.model.layers[1].units = 0),
      'model.layers[1].units',
      /^Units of layer 2 must be a whole number ≥ 1/,
    ],
    [
      'units left empty',
      (d) => (d.model.layers[0].units = ''),
      'model.layers[0].units',
      /^Units of layer 1 must be a whole number ≥ 1/,
    ],
    [
      'activation',
      (d) => (d.model.layers[0].activation = 'swish'),
      'model.layers[0].activation',
      /^Activation of layer 1 must be one of identity, sigmoid, tanh, relu/,
    ],
    [
      'dropout 1',
      (d) => (d.model.layers[1].dropout = 1),
      'model.layers[1].dropout',
      /^Dropout of layer 2 must be at least 0 and below 1$/,
    ],
    [
      'learning rate 0',
      (d) => (d.optimizer.lr = 0),
      'optimizer.lr',
      /^Learning rate must be a positive number \(> 0\)/,
    ],
    [
      'batch size 2.5',
      (d) => (d.batchSize = 2.5),
      'batchSize',
      /^Batch size must be a whole number from 1 to 1,000,000$/,
    ],
    ['epochs 0', (d) => (d.epochs = 0), 'epochs', /^Epochs must be a whole number from 1/],
    [
      'validation split 0.95',
      (d) => (d.validationSplit = 0.95),
      'validationSplit',
      /^Validation split must be a fraction from 0 to 0\.9$/,
    ],
    ['seed -1', (d) => (d.seed = -1), 'seed', /^Seed must be a whole number from 0/],
    ['samples 0', (d) => (d.dataset.samples = 0), 'dataset.samples', /^Samples must be a whole number from 1/],
    [
      'momentum 1',
      (d) => (d.optimizer.momentum = 1),
      'optimizer.momentum',
      /^Momentum must be at least 0 and below 1$/,
    ],
  ];
  for (const [what, edit, field, message] of cases)
    it(`${what}: ${message.source}`, () => {
      const { config, errors } = validateDraft(draftWith(edit));
      expect(config).toBeNull();
      expect(Object.keys(errors)).toEqual([field]);
      expect(errors[field]).toMatch(message);
      expect(errors[field]).not.toMatch(SCHEMA_WORDS);
    });
});

describe('the batch-size warning', () => {
  const validate = (input: ExperimentConfigInput) => validateDraft(parseConfig(input));

  it('warns when the batch exceeds the training rows, and the design stays trainable', () => {
    const v = validate({ dataset: { name: 'spiral', samples: 200 }, validationSplit: 0.2, batchSize: 512 });
    expect(v.config).not.toBeNull();
    expect(v.errors).toEqual({});
    expect(v.warnings).toEqual({
      batchSize: 'Batch size 512 is larger than the 160 training rows; each epoch will be one batch of 160',
    });
  });

  it('subtracts the test rows (testSplit) and a cross-validation fold as the engine’s split deals them', () => {
    const big = { dataset: { name: 'spiral' as const, samples: 200 }, validationSplit: 0.2, batchSize: 150 };
    // 200 rows: 40 test, then 40 validation: 120 train (without the test split, 160 rows: a batch of 160 fits).
    expect(validate({ ...big, batchSize: 160 }).warnings).toEqual({});
    expect(validate({ ...big, testSplit: 0.2 }).warnings).toEqual({
      batchSize: 'Batch size 150 is larger than the 120 training rows; each epoch will be one batch of 120',
    });
    expect(validate({ ...big, testSplit: 0.2, batchSize: 120 }).warnings).toEqual({});
    // 5 folds of the 160 rows left after 40 test rows: 128 train.
    expect(
      validate({ ...big, testSplit: 0.2, crossValidation: { folds: 5, fold: 0 }, batchSize: 129 }).warnings.batchSize,
    ).toMatch(/larger than the 128 training rows/);
  });

  it('counts the training rows the engine’s splitRows deals', () => {
    const d = loadBuiltinDataset(parseConfig({ dataset: { name: 'spiral', samples: 203 } }).dataset);
    for (const [validationSplit, testSplit, cv] of [
      [0.2, 0, undefined],
      [0.3, 0.1, undefined],
      [0.01, 0.5, undefined],
      [0.2, 0.15, { folds: 4, fold: 3 }],
      [0.2, 0, { folds: 7, fold: 2 }],
    ] as const) {
      const config = parseConfig({ validationSplit, testSplit, crossValidation: cv });
      const dealt = splitRows(d, validationSplit, 1, { testSplit, crossValidation: cv }).train.length;
      expect(trainingRows(d.n, config), `val ${validationSplit} test ${testSplit} cv ${cv?.fold}/${cv?.folds}`).toBe(
        dealt,
      );
    }
  });

  it('counts a fixed dataset’s rows (iris: 150, 30 held out) and is silent when the batch fits', () => {
    expect(validate({ dataset: { name: 'iris' }, validationSplit: 0.2, batchSize: 121 }).warnings.batchSize).toMatch(
      /larger than the 120 training rows/,
    );
    expect(validate({ dataset: { name: 'iris' }, validationSplit: 0.2, batchSize: 120 }).warnings).toEqual({});
    expect(
      validate({ dataset: { name: 'spiral', samples: 200 }, validationSplit: 0, batchSize: 200 }).warnings,
    ).toEqual({});
  });
});

describe('DesignerView', () => {
  function mountDesigner() {
    const ctx = {
      api: {},
      queue: { add: () => undefined, state: { items: [], shown: null, busy: false } },
    } as unknown as AppContext;
    return mount(DesignerView, {
      global: { provide: { [APP_CONTEXT as symbol]: ctx }, stubs: { PointsChart: true, CurveChart: true } },
    });
  }
  beforeEach(() => loadDraft({ dataset: { name: 'spiral', samples: 200 } }));

  it('shows the form’s words at the layer field and names the field by its label in the summary', async () => {
    const w = mountDesigner();
    await w.find('[data-test="layer-0"] .units').setValue('1.5');
    const error = w.find('[data-test="layer-0"] .field-error').text();
    expect(error).toMatch(/^Units of layer 1 must be a whole number ≥ 1/);
    expect(error).not.toMatch(SCHEMA_WORDS);
    expect(w.find('[data-test="invalid"]').text()).toContain('Units of layer 1');
  });

  it('warns beside Train now when the batch is larger than the training rows, without disabling it', async () => {
    const w = mountDesigner();
    expect(w.find('[data-test="warning"]').exists()).toBe(false);
    await w.find('[data-test="batch"]').setValue('512');
    expect(w.find('[data-test="warning"]').text()).toBe(
      'Batch size 512 is larger than the 160 training rows; each epoch will be one batch of 160',
    );
    expect(w.find('[data-test="train-now"]').attributes('disabled')).toBeUndefined();
    await w.find('[data-test="batch"]').setValue('64');
    expect(w.find('[data-test="warning"]').exists()).toBe(false);
  });
});
