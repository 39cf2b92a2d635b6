// A fast path for reading stored configs in the full form parseConfig writes: a listing of 5,000 runs parsed every
// config with zod once per process (~250 of a cold listing's ~600 ms of CPU, most of it zod warming up), while a
// stored config is nearly always already complete and valid. Anything this does not recognise returns undefined and
// goes to parseConfig, so it may only ever accept less than the schema does, never more; test/db/stored-config-fast
// compares it with zod on many shapes and on every single-field change of them.
import {
  ACTIVATIONS,
  BACKENDS,
  DISTILL_LOSSES,
  FEATURE_TRANSFORMS,
  HEADS,
  INITS,
  LOSSES,
  OPTIMIZERS,
  SCHEDULES,
  STRATIFY,
  type ExperimentConfig,
} from '../engine/config.ts';

type Fields = Record<string, unknown>;
const NO = Symbol('not fast');

function obj(v: unknown, required: readonly string[], optional: readonly string[] = []): Fields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw NO;
  const f = v as Fields;
  let n = 0;
  for (const k of required)
    if (Object.hasOwn(f, k)) n++;
    else throw NO;
  for (const k of optional) if (Object.hasOwn(f, k)) n++;
  if (Object.keys(f).length !== n) throw NO;
  return f;
}
function num(v: unknown, min: number, max: number, { gtMin = false, ltMax = false, int = false } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isSafeInteger(v))) throw NO;
  if (gtMin ? v <= min : v < min) throw NO;
  if (ltMax ? v >= max : v > max) throw NO;
  return v;
}
const posInt = (v: unknown, max = Number.MAX_SAFE_INTEGER) => num(v, 0, max, { gtMin: true, int: true });
function oneOf<T extends string>(v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T)) throw NO;
  return v as T;
}
function bool(v: unknown): boolean {
  if (typeof v !== 'boolean') throw NO;
  return v;
}
/** A string of 1..max UTF-16 units: zod counts no more than that, so it accepts it too. */
function str(v: unknown, min: number, max: number): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) throw NO;
  return v;
}

const BUILTIN = ['name', 'samples', 'noise', 'classes', 'seed'] as const;
function dataset(v: unknown): ExperimentConfig['dataset'] {
  const probe = obj(v, [], ['source', ...BUILTIN, 'transforms', 'hash', 'rows']);
  if (probe.source === 'imported') {
    const f = obj(v, ['source', 'name'], ['hash', 'rows']);
    const out: Fields = { source: 'imported', name: str(f.name, 1, Infinity) };
    if (f.hash !== undefined) {
      if (typeof f.hash !== 'string' || !/^[0-9a-f]{64}$/.test(f.hash)) throw NO;
      out.hash = f.hash;
    }
    if (f.rows !== undefined) out.rows = posInt(f.rows);
    return out as ExperimentConfig['dataset'];
  }
  const f = obj(v, BUILTIN, ['source', 'transforms']);
  const out: Fields = {};
  if (f.source !== undefined) out.source = oneOf(f.source, ['builtin']);
  out.name = str(f.name, 1, Infinity);
  out.samples = posInt(f.samples, 10_000_000);
  out.noise = num(f.noise, 0, 10);
  out.classes = num(f.classes, 2, 100, { int: true });
  out.seed = num(f.seed, 0, Number.MAX_SAFE_INTEGER, { int: true });
  if (f.transforms !== undefined) {
    const t = f.transforms;
    if (!Array.isArray(t) || t.length > FEATURE_TRANSFORMS.length || new Set(t).size !== t.length) throw NO;
    out.transforms = t.map((x) => oneOf(x, FEATURE_TRANSFORMS));
  }
  return out as ExperimentConfig['dataset'];
}

const TOP = ['dataset', 'validationSplit', 'testSplit', 'stratify', 'standardize', 'model', 'loss', 'optimizer'];
const TOP_REST = ['schedule', 'batchSize', 'epochs', 'seed', 'earlyStopping', 'backend', 'precision'];

/** `input` (already through withLegacySplit) as parseConfig would return it, or undefined: leave it to parseConfig. */
export function fastStoredConfig(input: unknown): ExperimentConfig | undefined {
  try {
    const f = obj(input, [...TOP, ...TOP_REST], ['name', 'crossValidation', 'distill']);
    const out: Fields = {};
    if (f.name !== undefined) out.name = str(f.name, 0, 200);
    out.dataset = dataset(f.dataset);
    out.validationSplit = num(f.validationSplit, 0, 0.9);
    out.testSplit = num(f.testSplit, 0, 0.9);
    out.stratify = oneOf(f.stratify, STRATIFY);
    if (f.crossValidation !== undefined) {
      const cv = obj(f.crossValidation, ['folds', 'fold']);
      const folds = num(cv.folds, 2, 100, { int: true });
      const fold = num(cv.fold, 0, 99, { int: true });
      if (fold >= folds) throw NO;
      out.crossValidation = { folds, fold };
    }
    out.standardize = bool(f.standardize);
    const m = obj(f.model, ['layers', 'head', 'init']);
    if (!Array.isArray(m.layers) || m.layers.length > 64) throw NO;
    out.model = {
      layers: m.layers.map((l: unknown) => {
        const layer = obj(l, ['units', 'activation', 'dropout']);
        return {
          units: posInt(layer.units, 65536),
          activation: oneOf(layer.activation, ACTIVATIONS),
          dropout: num(layer.dropout, 0, 1, { ltMax: true }),
        };
      }),
      head: oneOf(m.head, HEADS),
      init: oneOf(m.init, INITS),
    };
    out.loss = oneOf(f.loss, LOSSES);
    const o = obj(f.optimizer, ['type', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon', 'weightDecay']);
    out.optimizer = {
      type: oneOf(o.type, OPTIMIZERS),
      lr: num(o.lr, 0, 100, { gtMin: true }),
      momentum: num(o.momentum, 0, 1, { ltMax: true }),
      nesterov: bool(o.nesterov),
      beta1: num(o.beta1, 0, 1, { ltMax: true }),
      beta2: num(o.beta2, 0, 1, { ltMax: true }),
      epsilon: num(o.epsilon, 0, Number.MAX_VALUE, { gtMin: true }),
      weightDecay: num(o.weightDecay, 0, Number.MAX_VALUE),
    };
    const s = obj(f.schedule, ['type', 'stepSize', 'gamma', 'minLr']);
    out.schedule = {
      type: oneOf(s.type, SCHEDULES),
      stepSize: posInt(s.stepSize),
      gamma: num(s.gamma, 0, 1, { gtMin: true }),
      minLr: num(s.minLr, 0, Number.MAX_VALUE),
    };
    out.batchSize = posInt(f.batchSize, 1_000_000);
    out.epochs = posInt(f.epochs, 100_000);
    out.seed = num(f.seed, 0, 0xffffffff, { int: true });
    const e = obj(f.earlyStopping, ['enabled', 'metric', 'patience', 'minDelta']);
    out.earlyStopping = {
      enabled: bool(e.enabled),
      metric: oneOf(e.metric, ['val_loss', 'val_acc']),
      patience: posInt(e.patience),
      minDelta: num(e.minDelta, 0, Number.MAX_VALUE),
    };
    out.backend = oneOf(f.backend, BACKENDS);
    out.precision = oneOf(f.precision, ['float32', 'float64']);
    if (f.distill !== undefined) {
      const d = obj(f.distill, ['teacher', 'loss', 'temperature', 'alpha']);
      out.distill = {
        teacher: str(d.teacher, 1, 200),
        loss: oneOf(d.loss, DISTILL_LOSSES),
        temperature: num(d.temperature, 0, 100, { gtMin: true }),
        alpha: num(d.alpha, 0, 1),
      };
    }
    return out as ExperimentConfig;
  } catch (e) {
    if (e === NO) return undefined;
    throw e;
  }
}
