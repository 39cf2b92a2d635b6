// Builds an ExperimentConfig from `--config FILE` plus flags; flags override the file, then the schema validates.
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  MAX_CONFIG_DEPTH,
  nestedDeeperThan,
  parseConfig,
  withLegacySplit,
  type ExperimentConfig,
  type ExperimentConfigInput,
} from '../engine/config.ts';
import { excerpt } from '../engine/excerpt.ts';
import { intFlag, numberFlag, unitsList, type Options } from './args.ts';
import { UsageError } from './errors.ts';
import { jsonErrorLocation } from './json-location.ts';

export const CONFIG_FLAGS = {
  config: { type: 'string' },
  dataset: { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
  classes: { type: 'string' },
  layers: { type: 'string' },
  activation: { type: 'string' },
  dropout: { type: 'string' },
  head: { type: 'string' },
  loss: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  'weight-decay': { type: 'string' },
  schedule: { type: 'string' },
  batch: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  'val-split': { type: 'string' },
  'test-split': { type: 'string' },
  stratify: { type: 'string' },
  'early-stopping': { type: 'string' },
  'no-standardize': { type: 'boolean' },
  backend: { type: 'string' },
  precision: { type: 'string' },
  name: { type: 'string' },
} as const satisfies Options;

type Values = {
  [K in keyof typeof CONFIG_FLAGS]?: (typeof CONFIG_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

export function readConfigFile(path: string): ExperimentConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorLocation(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    // V8 quotes the text near the error; keep the line short whatever the file holds.
    const reason = (e as Error).message.split('\n')[0]!;
    throw new UsageError(
      `--config: ${path} is not valid JSON${where}: ${reason.length > 120 ? `${reason.slice(0, 119)}…` : reason}`,
    );
  }
  // Checked before anything walks it (structuredClone overflows the stack at 100,000 levels).
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(
      `--config: ${path}: the config must be a JSON object (got ${excerpt(value)})`,
      'invalid_config',
    );
  if (nestedDeeperThan(value, MAX_CONFIG_DEPTH))
    throw new UsageError(
      `--config: ${path}: the config is nested more than ${MAX_CONFIG_DEPTH} levels deep`,
      'invalid_config',
    );
  // A file written before `stratify` existed (a saved config, a run's exported one) splits as it always did.
  return withLegacySplit(value) as ExperimentConfigInput;
}

type Plain = Record<string, unknown>;
const obj = (parent: Plain, key: string): Plain => {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Plain;
  const fresh: Plain = {};
  parent[key] = fresh;
  return fresh;
};

/** The config the flags describe, validated. Throws UsageError (flag syntax) or ConfigError (schema). */
export function configFromFlags(values: Values, base?: ExperimentConfigInput): ExperimentConfig {
  const input: Plain = structuredClone((values.config ? readConfigFile(values.config) : (base ?? {})) as Plain);
  const dataset = obj(input, 'dataset');
  if (values.dataset !== undefined) dataset.name = values.dataset;
  if (values.samples !== undefined) dataset.samples = intFlag('samples', values.samples);
  if (values.noise !== undefined) dataset.noise = numberFlag('noise', values.noise);
  if (values.classes !== undefined) dataset.classes = intFlag('classes', values.classes);

  const model = obj(input, 'model');
  const units = unitsList('layers', values.layers);
  const existing = Array.isArray(model.layers) ? (model.layers as Plain[]) : undefined;
  if (units) model.layers = units.map((u, i) => ({ ...(existing?.[i] ?? existing?.[0] ?? {}), units: u }));
  if (values.activation !== undefined || values.dropout !== undefined) {
    const layers = Array.isArray(model.layers)
      ? (model.layers as Plain[])
      : (model.layers = [{ units: 16 }, { units: 16 }] as Plain[]);
    for (const l of layers) {
      if (values.activation !== undefined) l.activation = values.activation;
      if (values.dropout !== undefined) l.dropout = numberFlag('dropout', values.dropout);
    }
  }
  if (values.head !== undefined) model.head = values.head;
  if (values.loss !== undefined) input.loss = values.loss;

  const optimizer = obj(input, 'optimizer');
  if (values.optimizer !== undefined) {
    if (values.optimizer === 'nesterov') {
      optimizer.type = 'momentum';
      optimizer.nesterov = true;
    } else optimizer.type = values.optimizer;
  }
  if (values.lr !== undefined) optimizer.lr = numberFlag('lr', values.lr);
  if (values.momentum !== undefined) optimizer.momentum = numberFlag('momentum', values.momentum);
  if (values.nesterov) optimizer.nesterov = true;
  if (values['weight-decay'] !== undefined) optimizer.weightDecay = numberFlag('weight-decay', values['weight-decay']);
  if (values.schedule !== undefined) obj(input, 'schedule').type = values.schedule;
  if (values.batch !== undefined) input.batchSize = intFlag('batch', values.batch);
  if (values.epochs !== undefined) input.epochs = intFlag('epochs', values.epochs);
  if (values.seed !== undefined) input.seed = intFlag('seed', values.seed);
  if (values['val-split'] !== undefined) input.validationSplit = numberFlag('val-split', values['val-split']);
  if (values['test-split'] !== undefined) input.testSplit = numberFlag('test-split', values['test-split']);
  if (values.stratify !== undefined) input.stratify = values.stratify;
  if (values['early-stopping'] !== undefined) {
    const es = obj(input, 'earlyStopping');
    es.enabled = true;
    es.patience = intFlag('early-stopping', values['early-stopping']);
  }
  if (values['no-standardize']) input.standardize = false;
  if (values.backend !== undefined) input.backend = values.backend;
  if (values.precision !== undefined) input.precision = values.precision;
  if (values.name !== undefined) input.name = values.name;
  for (const key of ['dataset', 'model', 'optimizer'] as const)
    if (Object.keys(input[key] as Plain).length === 0) delete input[key];
  try {
    return parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new UsageError(values.config ? `${values.config}: ${e.message}` : e.message, e.code);
    throw e;
  }
}
