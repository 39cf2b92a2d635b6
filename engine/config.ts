// ExperimentConfig: one JSON object that describes a run completely. The UI edits it, the CLI reads it, the store
// keeps it, the ONNX metadata carries it. Every field has a default that makes a good first run.
import { z } from 'zod';
import { excerpt } from './excerpt.ts';
import type { Task } from './schemas.ts';

export const ACTIVATIONS = ['identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'gelu'] as const;
export const HEADS = ['auto', 'softmax', 'sigmoid', 'identity'] as const;
export const LOSSES = ['auto', 'cross_entropy', 'binary_cross_entropy', 'mse'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const SCHEDULES = ['constant', 'step', 'cosine'] as const;
export const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;
export const INITS = ['auto', 'xavier', 'he'] as const;
export const STRATIFY = ['auto', 'none', 'quantiles'] as const;
/** Distillation losses: L2 on logits (Ba & Caruana 2014), cross-entropy softened at temperature T (Hinton et al. 2015). */
export const DISTILL_LOSSES = ['mimic-l2', 'soft-ce'] as const;

/** Input feature transforms of the 2-D built-ins (engine/data/transforms.ts), named as the columns they append. */
export const FEATURE_TRANSFORMS = ['x1^2', 'x2^2', 'x1*x2', 'sin(x1)', 'sin(x2)'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type FeatureTransform = (typeof FEATURE_TRANSFORMS)[number];
export type ResolvedHead = Exclude<(typeof HEADS)[number], 'auto'>;
export type ResolvedLoss = Exclude<(typeof LOSSES)[number], 'auto'>;

const positiveInt = z.number().int().positive();

export const LayerSchema = z.strictObject({
  units: positiveInt.max(65536),
  activation: z.enum(ACTIVATIONS).default('relu'),
  dropout: z.number().min(0).lt(1).default(0),
});

/** A built-in generator's settings (xor, circles, gaussians, spiral, moons, sine, iris, mnist, …). */
export const DatasetSchema = z.strictObject({
  source: z.literal('builtin').optional(),
  /** A built-in generator, or (in an input config) an imported dataset's name, which the run turns into the imported form. */
  name: z.string().min(1).default('spiral'),
  /** Samples to generate (built-in generators only). */
  samples: positiveInt.max(10_000_000).default(500),
  /** Noise level of the generator (its own units: std of the added Gaussian noise). */
  noise: z.number().min(0).max(10).default(0.05),
  /** Classes for generators that take a count (spiral, gaussians). */
  classes: z.number().int().min(2).max(100).default(2),
  /** Seed of the data generator and of the validation split, separate from the training seed so both can vary alone. */
  seed: z.number().int().min(0).default(1),
  /** Feature transforms appended to x1, x2 as extra inputs (2-feature sets only), each at most once; absent: none. */
  transforms: z
    .array(z.enum(FEATURE_TRANSFORMS))
    .max(FEATURE_TRANSFORMS.length)
    .refine((t) => new Set(t).size === t.length, { message: 'each transform at most once' })
    .optional(),
});

/** The validation split's seed for an imported dataset: the data seed's default, so runs stored before imported
 *  configs lost their generator fields split exactly as they did. */
export const IMPORTED_SPLIT_SEED = 1;

/** An imported snapshot: its name, content hash and row count, nothing of a generator. A stored config that still
 *  carries a generator's leftover settings (samples, noise, classes, seed) reads without them. */
export const ImportedDatasetSchema = z
  .strictObject({
    source: z.literal('imported'),
    name: z.string().min(1),
    /** sha256 of the snapshot (db/datasets.ts); set when a run is recorded, absent in a config that names the import. */
    hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    rows: positiveInt.optional(),
    samples: z.unknown().optional(),
    noise: z.unknown().optional(),
    classes: z.unknown().optional(),
    seed: z.unknown().optional(),
  })
  .transform(({ samples: _s, noise: _n, classes: _c, seed: _d, ...kept }) => kept);

export const DatasetConfigSchema = z.discriminatedUnion('source', [DatasetSchema, ImportedDatasetSchema]);

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

/** A student trained on a teacher run's outputs: the teacher's best checkpoint gives each training row its logits. */
export const DistillSchema = z.strictObject({
  /** the teacher run's id */
  teacher: z.string().min(1).max(200),
  loss: z.enum(DISTILL_LOSSES).default('mimic-l2'),
  /** soft-ce: softmax temperature of teacher and student alike (the term is scaled by T² so its gradients keep size) */
  temperature: z.number().positive().max(100).default(1),
  /** weight of the true-label loss: L = alpha·L(labels) + (1 − alpha)·L(teacher) */
  alpha: z.number().min(0).max(1).default(0),
});

export const ExperimentConfigSchema = z.strictObject({
  name: z.string().max(200).optional(),
  dataset: DatasetConfigSchema.prefault({}),
  /** Fraction of the samples held out for validation (seeded split). */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  /** Fraction of all samples held out as a test set before the validation split (never seen by early stopping or
   *  best-checkpoint selection; scored once at the end on the model the run ships). 0: no test set. */
  testSplit: z.number().min(0).max(0.9).default(0),
  /** How the held-out splits keep the data's make-up: `auto` stratifies classification by class (regression not at
   *  all), `quantiles` stratifies by target quantile bins (regression; classes for classification), `none` is a plain
   *  seeded shuffle (how runs split before this key existed: a stored config or config file without it reads as
   *  `none`, withLegacySplit). */
  stratify: z.enum(STRATIFY).default('auto'),
  /** One fold of k-fold cross-validation (mlpw cv): fold `fold` (0-based) of `folds` is the validation set, the
   *  other folds train; validationSplit is then unused. Absent for an ordinary run. */
  crossValidation: z
    .strictObject({ folds: z.number().int().min(2).max(100), fold: z.number().int().min(0).max(99) })
    .refine((cv) => cv.fold < cv.folds, { message: 'fold must be less than folds', path: ['fold'] })
    .optional(),
  /** Standardise features to zero mean, unit variance with training-split statistics. */
  standardize: z.boolean().default(true),
  model: z
    .strictObject({
      layers: z
        .array(LayerSchema)
        .max(64)
        .default([
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
  /** Train as a student of another run (mlpw distill); absent for a run trained from its labels alone. */
  distill: DistillSchema.optional(),
});

export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
export type LayerConfig = z.output<typeof LayerSchema>;
export type DistillConfig = z.output<typeof DistillSchema>;
export type BuiltinDatasetConfig = z.output<typeof DatasetSchema>;
export type ImportedDatasetConfig = z.output<typeof ImportedDatasetSchema>;
export type DatasetConfig = ExperimentConfig['dataset'];

/** The config of a run on an imported snapshot: the dataset is its name, hash and rows, and nothing else. */
export function withImportedDataset(
  config: ExperimentConfig,
  snapshot: { name: string; hash: string; rows: number },
): ExperimentConfig {
  return { ...config, dataset: { source: 'imported', name: snapshot.name, hash: snapshot.hash, rows: snapshot.rows } };
}

/** The seed of the validation split (prepareData): the generator's seed, or the fixed one of an imported snapshot. */
export function splitSeed(dataset: DatasetConfig): number {
  return dataset.source === 'imported' ? IMPORTED_SPLIT_SEED : dataset.seed;
}

/** A persisted config (a stored run's, a `--config` file) written before `stratify` existed trained on the plain
 *  seeded cut, so it reads as `stratify: 'none'` and reruns split as it did; a fresh config defaults to 'auto'. */
export function withLegacySplit<T>(input: T): T {
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && !('stratify' in input))
    return { ...input, stratify: 'none' };
  return input;
}

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

/** Levels of nesting a config may have; it needs 4 (model.layers[0].units), so deeper is not a config. */
export const MAX_CONFIG_DEPTH = 64;

/** Whether `value` nests objects or arrays more than `limit` levels deep; an explicit stack, so any depth is safe. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v))
      if (child !== null && typeof child === 'object') stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

/** Parse and fill defaults; throws ConfigError naming the first bad field and its value (quoted up to 80 characters). */
export function parseConfig(input: unknown = {}): ExperimentConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new ConfigError(`the config must be a JSON object (got ${excerpt(input)})`, undefined, input);
  // Before the schema walks it: recursion over a value 100,000 levels deep overflows the stack.
  if (nestedDeeperThan(input, MAX_CONFIG_DEPTH))
    throw new ConfigError(`the config is nested more than ${MAX_CONFIG_DEPTH} levels deep`);
  const result = ExperimentConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path);
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '' : ` (got ${excerpt(value)})`;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
  const message =
    issue.code === 'unrecognized_keys'
      ? `${field ? field + ': ' : ''}unknown key ${keys
          .slice(0, 3)
          .map((k) => excerpt(k, 40))
          .join(', ')}${more}`
      : `${field || 'config'}: ${issue.message}${shown}`;
  throw new ConfigError(message, field || undefined, value);
}

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
  if (config.loss === 'auto')
    loss = head === 'softmax' ? 'cross_entropy' : head === 'sigmoid' ? 'binary_cross_entropy' : 'mse';
  else loss = config.loss;

  if (task === 'regression' && head !== 'identity')
    throw new ConfigError(
      `model.head: a regression dataset needs the identity head (got "${head}")`,
      'model.head',
      head,
    );
  if (task === 'classification' && head === 'identity')
    throw new ConfigError(
      'model.head: a classification dataset needs a softmax or sigmoid head (got "identity")',
      'model.head',
      head,
    );
  if (head === 'sigmoid' && classes !== 2)
    throw new ConfigError(
      `model.head: the sigmoid head is for two classes; this dataset has ${classes}`,
      'model.head',
      head,
    );
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
