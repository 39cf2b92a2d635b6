// `mlpw distill TEACHER_RUN --layers 64`: a student trained on a teacher run's logits (issue 19), recorded as a normal
// run whose config names its teacher (config.distill); --baseline also trains the same student from the labels alone.
import { DISTILL_LOSSES } from '../../engine/config.ts';
import { fromLabels, studentConfigInput } from '../../engine/distill-config.ts';
import { numberFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { trainRecorded } from './train.ts';

export const DISTILL_USAGE = `mlpw distill TEACHER_RUN --layers 64 [--activation A] [--epochs N] [--loss mimic|soft]
           [--temperature T] [--alpha A] [--baseline] [--lr F] [--batch N] [--seed N] [--backend B]
           [--experiment NAME] [--name NAME] [--db FILE] [--json] [--quiet]
  trains a student on the teacher's training rows with the teacher's logits (its best checkpoint) as targets
  --layers 64              the student's hidden layer widths (required; 64,32 for two)
  --activation A           the student's activation (default: the teacher's first layer's)
  --loss mimic|soft        mimic: L2 on logits (Ba & Caruana 2014, default); soft: cross-entropy softened at
                           temperature T, scaled by T² (Hinton et al. 2015)
  --temperature T          soft: the temperature (default 1)
  --alpha A                weight of the true-label loss, 0 to 1: alpha·L(labels) + (1 − alpha)·L(teacher) (default 0)
  --baseline               also train the same student from the labels alone (the compression view compares them)
  the rest as in mlpw train; the student keeps the teacher's dataset, split, preprocessing and experiment`;

const STUDENT_FLAGS = {
  layers: CONFIG_FLAGS.layers,
  activation: CONFIG_FLAGS.activation,
  dropout: CONFIG_FLAGS.dropout,
  optimizer: CONFIG_FLAGS.optimizer,
  lr: CONFIG_FLAGS.lr,
  'weight-decay': CONFIG_FLAGS['weight-decay'],
  batch: CONFIG_FLAGS.batch,
  epochs: CONFIG_FLAGS.epochs,
  seed: CONFIG_FLAGS.seed,
  'early-stopping': CONFIG_FLAGS['early-stopping'],
  backend: CONFIG_FLAGS.backend,
  precision: CONFIG_FLAGS.precision,
  name: CONFIG_FLAGS.name,
} as const;

const LOSS_NAMES: Record<string, (typeof DISTILL_LOSSES)[number]> = {
  mimic: 'mimic-l2',
  'mimic-l2': 'mimic-l2',
  soft: 'soft-ce',
  'soft-ce': 'soft-ce',
};

export const distill: Command = {
  name: 'distill',
  summary: "train a small student on a run's logits (mimic learning, knowledge distillation)",
  usage: DISTILL_USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...STUDENT_FLAGS,
      ...DB_FLAG,
      ...EXPERIMENT_FLAG,
      loss: { type: 'string' },
      temperature: { type: 'string' },
      alpha: { type: 'string' },
      baseline: { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(`distill takes one teacher run id (got ${positionals.length})`);
    if (values.layers === undefined)
      throw new UsageError('--layers: the student needs its hidden layer widths, e.g. --layers 64');
    const loss = LOSS_NAMES[values.loss ?? 'mimic'];
    if (!loss) throw new UsageError(`--loss: expected mimic or soft, got "${values.loss}"`);
    const temperature = numberFlag('temperature', values.temperature);
    const alpha = numberFlag('alpha', values.alpha);
    if (temperature !== undefined && loss !== 'soft-ce')
      throw new UsageError(`--temperature: only the soft loss has a temperature (--loss is ${values.loss ?? 'mimic'})`);
    return withStore(values.db, ctx.env, async (store) => {
      // Everything is checked before a run is recorded: an unknown run, no checkpoint, soft from a regression.
      const teacher = store.getRun(positionals[0]!);
      const checkpoint = store.requireCheckpoint(teacher, 'best');
      if (loss === 'soft-ce' && checkpoint.snapshot.head === 'identity')
        throw new UsageError(
          `--loss: soft needs a classification teacher; run ${teacher.id} is a regression on "${teacher.dataset}" (use --loss mimic)`,
        );
      const base = studentConfigInput(teacher, {
        loss,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(alpha !== undefined ? { alpha } : {}),
      });
      // --loss here is the distillation loss, not the config's: only the student's own flags go to configFromFlags.
      const { loss: _l, temperature: _t, alpha: _a, ...studentFlags } = values;
      const student = configFromFlags(studentFlags, base);
      const experiment = values.experiment ?? teacher.experiment;
      const opts = { json: values.json === true, quiet: values.quiet === true, experiment };
      const code = await trainRecorded(store, student, ctx, opts);
      if (!values.baseline || code !== 0) return code;
      return trainRecorded(store, fromLabels(student), ctx, opts);
    });
  },
};
