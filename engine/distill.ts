// Distillation (issue 19): a student trains on its teacher run's logits. The teacher's best checkpoint is run once,
// on the student's training rows with the teacher's own standardisation, on a backend of the student's kind; the
// logits ride on the backend's ModelSpec so every backend trains the same loss (engine/model/losses.ts).
import { ConfigError, splitSeed, type DistillConfig, type ExperimentConfig, type ResolvedHead } from './config.ts';
import type { ModelSpec, TrainingBackend } from './backends/backend.ts';
import { applyStandardize, splitOptions, type PreparedData } from './data/prepare.ts';
import { splitRows } from './data/split.ts';
import { OptimizerSchema } from './config.ts';
import { distillTerm, type DistillLoss } from './model/losses.ts';
import type { Dataset, ModelSnapshot } from './types.ts';

/** What a student's backend needs: the loss settings and the teacher's logits of each training row (n × k). */
export interface DistillTargets extends DistillLoss {
  logits: Float32Array;
}

/** The teacher as the trainer sees it: its checkpoint, and a fresh backend to run it on. */
export interface Teacher {
  snapshot: ModelSnapshot;
  backend(): Promise<TrainingBackend>;
}

/** Rows per forward pass of the teacher. */
const CHUNK = 4096;

/** Refuses a teacher the student cannot learn from, naming the field: the shapes must agree, soft-ce needs classes. */
export function checkTeacher(
  distill: DistillConfig,
  teacher: ModelSnapshot,
  student: { features: number; outputUnits: number; head: ResolvedHead },
): void {
  const inputs = teacher.layers[0]!.inputs;
  const outputs = teacher.layers.at(-1)!.units;
  if (distill.loss === 'soft-ce' && teacher.head === 'identity')
    throw new ConfigError(
      `distill.loss: soft-ce needs a classification teacher; run ${distill.teacher} is a regression (use mimic-l2)`,
      'distill.loss',
      distill.loss,
    );
  if (inputs !== student.features)
    throw new ConfigError(
      `distill.teacher: run ${distill.teacher} takes ${inputs} features; this dataset has ${student.features}`,
      'distill.teacher',
      distill.teacher,
    );
  if (outputs !== student.outputUnits || teacher.head !== student.head)
    throw new ConfigError(
      `distill.teacher: run ${distill.teacher} has ${outputs} outputs (${teacher.head} head); the student has ${student.outputUnits} (${student.head} head)`,
      'distill.teacher',
      distill.teacher,
    );
}

/** The teacher's logits (its output layer before the head) for n raw rows, standardised as the teacher was. */
export async function teacherLogits(teacher: Teacher, raw: Float32Array, n: number): Promise<Float32Array> {
  const { snapshot } = teacher;
  const features = snapshot.layers[0]!.inputs;
  const k = snapshot.layers.at(-1)!.units;
  const x = raw.slice(0, n * features);
  if (snapshot.standardize) applyStandardize(x, features, snapshot.standardize);
  // The identity head makes predict return the logits themselves.
  const spec: ModelSpec = {
    features,
    outputs: k,
    head: 'identity',
    loss: 'mse',
    layers: snapshot.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation, dropout: 0 })),
    optimizer: OptimizerSchema.parse({}),
    seed: 0,
  };
  const one = { x: new Float32Array(features), targets: new Float32Array(k), n: 1 };
  const placeholder: PreparedData = { train: one, val: one, features, outputs: k, standardize: null };
  const backend = await teacher.backend();
  try {
    await backend.init(spec, snapshot.layers, placeholder);
    const logits = new Float32Array(n * k);
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      logits.set(await backend.predict(x.subarray(s * features, (s + m) * features), m), s * k);
    }
    return logits;
  } finally {
    backend.dispose();
  }
}

/** The raw features of the training rows, in the order prepareData's training split holds them. */
export function trainingRowsRaw(config: ExperimentConfig, dataset: Dataset): { x: Float32Array; n: number } {
  const rows = splitRows(dataset, config.validationSplit, splitSeed(config.dataset), splitOptions(config)).train;
  const f = dataset.features;
  const x = new Float32Array(rows.length * f);
  rows.forEach((r, i) => x.set(dataset.x.subarray(r * f, r * f + f), i * f));
  return { x, n: rows.length };
}

/** The student's targets: its config's distill settings with the teacher's logits of every training row. */
export async function distillTargets(
  config: ExperimentConfig,
  dataset: Dataset,
  data: PreparedData,
  student: { outputUnits: number; head: ResolvedHead },
  teacher: Teacher | undefined,
): Promise<DistillTargets | undefined> {
  const distill = config.distill;
  if (!distill) return undefined;
  if (!teacher)
    throw new ConfigError(
      `distill.teacher: run ${distill.teacher}'s checkpoint did not reach the engine (start it with mlpw distill or the app)`,
      'distill.teacher',
      distill.teacher,
    );
  checkTeacher(distill, teacher.snapshot, { features: dataset.features, ...student });
  const raw = trainingRowsRaw(config, dataset);
  if (raw.n !== data.train.n) throw new Error(`distill: ${raw.n} training rows, the split has ${data.train.n}`);
  const logits = await teacherLogits(teacher, raw.x, raw.n);
  return { loss: distill.loss, temperature: distill.temperature, alpha: distill.alpha, logits };
}

/**
 * A training batch of a distilled student on a backend whose kernels know only the plain losses: `base` and dZ hold
 * the true-label loss of rows order[first..first + n); the teacher's term is mixed into dZ here (n × k values).
 */
export function distillBatch(
  d: DistillTargets,
  head: ResolvedHead,
  Z: Float32Array,
  dZ: Float32Array,
  order: Uint32Array,
  first: number,
  n: number,
  base: { lossSum: number; correct: number },
): { lossSum: number; correct: number } {
  const k = Z.length / n;
  const teacher = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const r = order[first + i]!;
    teacher.set(d.logits.subarray(r * k, r * k + k), i * k);
  }
  const term = distillTerm(d, head, Z, teacher, n, k, dZ, n);
  return { lossSum: d.alpha * base.lossSum + (1 - d.alpha) * term, correct: base.correct };
}
