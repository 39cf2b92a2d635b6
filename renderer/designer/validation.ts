// Inline validation with the engine's own schema: every issue of ExperimentConfigSchema keyed by its field path
// (`optimizer.lr`, `model.layers[1].units`) and said in the form's words ("Units of layer 2 must be a whole number
// ≥ 1"), plus the head/loss/dataset checks the engine makes when a run starts, and warnings that do not block a run.
import {
  ACTIVATIONS,
  ConfigError,
  DatasetSchema,
  ExperimentConfigSchema,
  fieldPath,
  resolveHeadAndLoss,
  type ExperimentConfig,
} from '../../engine/config.ts';
import { findDataset, loadBuiltinDataset, type BuiltinDataset } from '../../engine/data/builtin.ts';
import { heldOutRows } from '../../engine/data/prepare.ts';
import { importedDatasets } from '../datasets/imported.ts';

export type FieldErrors = Record<string, string>;

export interface Validation {
  config: ExperimentConfig | null;
  errors: FieldErrors;
  /** Things worth knowing that do not stop a run, keyed like errors. */
  warnings: FieldErrors;
}

/** Each field's name in the form and what it must be, as the schema (engine/config.ts) constrains it. */
const RULES: Record<string, { label: string; rule: string }> = {
  name: { label: 'Name', rule: 'at most 200 characters' },
  'dataset.name': { label: 'Dataset', rule: 'one of the listed datasets' },
  'dataset.samples': { label: 'Samples', rule: 'a whole number from 1 to 10,000,000' },
  'dataset.noise': { label: 'Noise', rule: 'a number from 0 to 10' },
  'dataset.classes': { label: 'Classes', rule: 'a whole number from 2 to 100' },
  'dataset.seed': { label: 'Data seed', rule: 'a whole number ≥ 0' },
  validationSplit: { label: 'Validation split', rule: 'a fraction from 0 to 0.9' },
  'model.layers': { label: 'The network', rule: 'at most 64 hidden layers' },
  'optimizer.lr': { label: 'Learning rate', rule: 'a positive number (> 0), at most 100' },
  'optimizer.momentum': { label: 'Momentum', rule: 'at least 0 and below 1' },
  'optimizer.beta1': { label: 'Adam β1', rule: 'at least 0 and below 1' },
  'optimizer.beta2': { label: 'Adam β2', rule: 'at least 0 and below 1' },
  'optimizer.epsilon': { label: 'Adam ε', rule: 'a positive number (> 0)' },
  'optimizer.weightDecay': { label: 'Weight decay', rule: 'a number ≥ 0' },
  'schedule.stepSize': { label: 'Step size', rule: 'a whole number of epochs ≥ 1' },
  'schedule.gamma': { label: 'Decay factor', rule: 'above 0 and at most 1' },
  'schedule.minLr': { label: 'Minimum learning rate', rule: 'a number ≥ 0' },
  batchSize: { label: 'Batch size', rule: 'a whole number from 1 to 1,000,000' },
  epochs: { label: 'Epochs', rule: 'a whole number from 1 to 100,000' },
  seed: { label: 'Seed', rule: 'a whole number from 0 to 4,294,967,295' },
  'earlyStopping.patience': { label: 'Patience', rule: 'a whole number of epochs ≥ 1' },
  'earlyStopping.minDelta': { label: 'Minimum improvement', rule: 'a number ≥ 0' },
};

const LAYER_RULES: Record<string, string> = {
  units: 'a whole number ≥ 1 (at most 65,536)',
  activation: `one of ${ACTIVATIONS.join(', ')}`,
  dropout: 'at least 0 and below 1',
};

/** The form's name for a field path: "Units of layer 1" for model.layers[0].units. */
export function fieldLabel(field: string): string {
  const layer = /^model\.layers\[(\d+)\]\.(\w+)$/.exec(field);
  if (layer) return `${layer[2]![0]!.toUpperCase()}${layer[2]!.slice(1)} of layer ${Number(layer[1]) + 1}`;
  return RULES[field]?.label ?? field;
}

/** What the user reads at a field the schema refused: its name and what it must be, never the schema's terms. */
export function fieldMessage(field: string, schemaMessage: string): string {
  const layer = /^model\.layers\[(\d+)\]\.(\w+)$/.exec(field);
  const rule = layer ? LAYER_RULES[layer[2]!] : RULES[field]?.rule;
  return rule ? `${fieldLabel(field)} must be ${rule}` : `${fieldLabel(field)}: ${schemaMessage}`;
}

export function validateDraft(input: unknown): Validation {
  const result = ExperimentConfigSchema.safeParse(input);
  if (!result.success) {
    const errors: FieldErrors = {};
    for (const issue of result.error.issues) {
      const field = fieldPath(issue.path) || 'config';
      errors[field] ??= fieldMessage(field, issue.message);
    }
    return { config: null, errors, warnings: {} };
  }
  const config = result.data;
  const dataset = findDataset(config.dataset.name);
  if (!dataset)
    return {
      config: null,
      errors: { 'dataset.name': `Dataset "${config.dataset.name}" is not in the list (built-in or imported)` },
      warnings: {},
    };
  try {
    const classes = dataset.task === 'classification' ? classCount(config) : 1;
    resolveHeadAndLoss(config, dataset.task, classes);
  } catch (e) {
    if (e instanceof ConfigError)
      return { config: null, errors: { [e.field ?? 'config']: e.message.replace(/^[\w.]+: /, '') }, warnings: {} };
    throw e;
  }
  return { config, errors: {}, warnings: batchWarning(config, dataset) };
}

function generatorOptions(config: ExperimentConfig) {
  return config.dataset.source === 'imported' ? DatasetSchema.parse({ name: config.dataset.name }) : config.dataset;
}

function classCount(config: ExperimentConfig): number {
  const d = generatorOptions(config);
  if (d.name === 'spiral' || d.name === 'gaussians') return d.classes;
  // Fixed-class datasets: ask the generator (cheap for a handful of samples; an import's stand-in knows its classes).
  return loadBuiltinDataset({ ...d, samples: Math.min(d.samples, 8) }).outputs;
}

/** The dataset's rows: the generator's sample count, an import's row count, or a fixed dataset's size. */
function rowCount(config: ExperimentConfig, dataset: BuiltinDataset): number | null {
  const d = generatorOptions(config);
  if (dataset.generated) return d.samples;
  const imported = importedDatasets.value.find((r) => r.name === d.name);
  if (imported) return imported.rows;
  const n = dataset.generate(d).n;
  return n > 0 ? n : null;
}

/** The training split's size as engine/data/split.ts's splitRows deals it: the test rows first, then validation
 *  (or the cross-validation fold held out) from the rest. */
export function trainingRows(rows: number, config: ExperimentConfig): number {
  const rest = rows - Math.min(heldOutRows(rows, config.testSplit), rows);
  const cv = config.crossValidation;
  if (cv) return rest - (Math.floor(((cv.fold + 1) * rest) / cv.folds) - Math.floor((cv.fold * rest) / cv.folds));
  return rest - Math.min(heldOutRows(rows, config.validationSplit), rest);
}

/** A batch larger than the training split is allowed (the engine takes what there is), but rarely what was meant. */
function batchWarning(config: ExperimentConfig, dataset: BuiltinDataset): FieldErrors {
  const rows = rowCount(config, dataset);
  if (rows === null) return {};
  const train = trainingRows(rows, config);
  if (train <= 0 || config.batchSize <= train) return {};
  const n = (v: number) => v.toLocaleString('en-US');
  return {
    batchSize: `Batch size ${n(config.batchSize)} is larger than the ${n(train)} training rows; each epoch will be one batch of ${n(train)}`,
  };
}
