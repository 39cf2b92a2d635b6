// ExperimentConfig: one JSON object that describes a run completely. The UI edits it, the CLI reads it, the store
// keeps it, the ONNX metadata carries it. Every field has a default that makes a good first run.
import { z } from 'zod';

export const ACTIVATIONS = ['identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'gelu'] as const;
export const HEADS = ['auto', 'softmax', 'sigmoid', 'identity'] as const;
export const LOSSES = ['auto', 'cross_entropy', 'binary_cross_entropy', 'mse'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const SCHEDULES = ['constant', 'step', 'cosine'] as const;
export const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;
export const INITS = ['auto', 'xavier', 'he'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type ResolvedHead = Exclude<(typeof HEADS)[number], 'auto'>;
export type ResolvedLoss = Exclude<(typeof LOSSES)[number], 'auto'>;

const positiveInt = z.number().int().positive();

export const LayerSchema = z.strictObject({
  units: positiveInt.max(65536),
  activation: z.enum(ACTIVATIONS).default('relu'),
  dropout: z.number().min(0).lt(1).default(0),
});

export const DatasetSchema = z.strictObject({
  /** A built-in generator (xor, circles, gaussians, spiral, moons, sine, iris, …) or an imported dataset's name. */
  name: z.string().min(1).default('spiral'),
  /** Samples to generate (built-in generators only). */
  samples: positiveInt.max(10_000_000).default(500),
  /** Noise level of the generator (its own units: std of the added Gaussian noise). */
  noise: z.number().min(0).max(10).default(0.05),
  /** Classes for generators that take a count (spiral, gaussians). */
  classes: z.number().int().min(2).max(100).default(2),
  /** Seed of the data generator, separate from the training seed so both can vary alone. */
  seed: z.number().int().min(0).default(1),
});

export const OptimizerSchema = z.strictObject({
  type: z.enum(OPTIMIZERS).default('adam'),
  lr: z.number().positive().max(100).default(0.01),
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(false),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  /** L2 weight decay added to the gradient of weights (not biases): g += weightDecay · W. */
  weightDecay: z.number().min(0).default(0),
});

export const ScheduleSchema = z.strictObject({
  type: z.enum(SCHEDULES).default('constant'),
  /** step: multiply the rate by `gamma` every `stepSize` epochs. */
  stepSize: positiveInt.default(30),
  gamma: z.number().positive().max(1).default(0.5),
  /** cosine: anneal from lr to minLr over the run's epochs. */
  minLr: z.number().min(0).default(0),
});

export const EarlyStoppingSchema = z.strictObject({
  enabled: z.boolean().default(false),
  metric: z.enum(['val_loss', 'val_acc']).default('val_loss'),
  patience: positiveInt.default(10),
  minDelta: z.number().min(0).default(0),
});

export const ExperimentConfigSchema = z.strictObject({
  name: z.string().max(200).optional(),
  dataset: DatasetSchema.prefault({}),
  /** Fraction of the samples held out for validation (seeded split). */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  /** Standardise features to zero mean, unit variance with training-split statistics. */
  standardize: z.boolean().default(true),
  model: z
    .strictObject({
      layers: z.array(LayerSchema).max(64).default([
        { units: 16, activation: 'relu', dropout: 0 },
        { units: 16, activation: 'relu', dropout: 0 },
      ]),
      head: z.enum(HEADS).default('auto'),
      init: z.enum(INITS).default('auto'),
    })
    .prefault({}),
  loss: z.enum(LOSSES).default('auto'),
  optimizer: OptimizerSchema.prefault({}),
  schedule: ScheduleSchema.prefault({}),
  batchSize: positiveInt.max(1_000_000).default(32),
  epochs: positiveInt.max(100_000).default(100),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  earlyStopping: EarlyStoppingSchema.prefault({}),
  backend: z.enum(BACKENDS).default('auto'),
  /** Arithmetic of the CPU backend; float64 is for gradient checks and reference runs. */
  precision: z.enum(['float32', 'float64']).default('float32'),
});

export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
export type LayerConfig = z.output<typeof LayerSchema>;

/** A user mistake: carries the field path and the offending value so the message can name them. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    message: string,
    readonly field?: string,
    readonly value?: unknown,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Parse and fill defaults; throws ConfigError naming the first bad field and its value. */
export function parseConfig(input: unknown): ExperimentConfig {
  const result = ExperimentConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path);
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  const message =
    issue.code === 'unrecognized_keys'
      ? `${field ? field + ': ' : ''}unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
      : `${field || 'config'}: ${issue.message}${shown}`;
  throw new ConfigError(message, field || undefined, value);
}

export type Task = 'classification' | 'regression';

/** Head and loss after `auto` is resolved against the dataset's task; rejects pairs that make no sense. */
export function resolveHeadAndLoss(
  config: ExperimentConfig,
  task: Task,
  classes: number,
): { head: ResolvedHead; loss: ResolvedLoss } {
  let head: ResolvedHead;
  if (config.model.head === 'auto') head = task === 'regression' ? 'identity' : 'softmax';
  else head = config.model.head;
  let loss: ResolvedLoss;
  if (config.loss === 'auto') loss = head === 'softmax' ? 'cross_entropy' : head === 'sigmoid' ? 'binary_cross_entropy' : 'mse';
  else loss = config.loss;

  if (task === 'regression' && head !== 'identity')
    throw new ConfigError(`model.head: a regression dataset needs the identity head (got "${head}")`, 'model.head', head);
  if (task === 'classification' && head === 'identity')
    throw new ConfigError('model.head: a classification dataset needs a softmax or sigmoid head (got "identity")', 'model.head', head);
  if (head === 'sigmoid' && classes !== 2)
    throw new ConfigError(`model.head: the sigmoid head is for two classes; this dataset has ${classes}`, 'model.head', head);
  if (loss === 'cross_entropy' && head !== 'softmax')
    throw new ConfigError(`loss: cross_entropy goes with the softmax head (head is "${head}")`, 'loss', loss);
  if (loss === 'binary_cross_entropy' && head !== 'sigmoid')
    throw new ConfigError(`loss: binary_cross_entropy goes with the sigmoid head (head is "${head}")`, 'loss', loss);
  return { head, loss };
}

/** Xavier/Glorot for saturating activations, He for the ReLU family, unless the config says otherwise. */
export function resolveInit(config: ExperimentConfig, activation: Activation): 'xavier' | 'he' {
  if (config.model.init !== 'auto') return config.model.init;
  return activation === 'relu' || activation === 'leaky_relu' || activation === 'gelu' ? 'he' : 'xavier';
}

export function defaultConfig(): ExperimentConfig {
  return parseConfig({});
}
