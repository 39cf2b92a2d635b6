// `mlpw predict (RUN | FILE.onnx) --data FILE.csv`: the model's outputs for new rows: the class and its
// probabilities, or the values. A run predicts with the engine from its checkpoint; a file with onnxruntime.
// A model trained on an imported table takes raw rows (predict-rows.ts: columns by header name, the table's
// preprocessing applied), and both ways give the same predictions; a run on feature transforms (and its .onnx) takes
// x1, x2 only and computes the transforms (engine/data/transforms.ts); other models take encoded feature columns.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { readCsvFeatures } from '../../datasets/csv/features.ts';
import { encodeRows, type Preprocessing } from '../../engine/data/preprocessing.ts';
import { expandRows, type FeatureTransform } from '../../engine/data/transforms.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import {
  enginePredict,
  OnnxError,
  predictionsToCsv,
  predictRawWithOnnx,
  predictWithOnnx,
  readOnnxModel,
  runPreprocessing,
  runTransforms,
  toPredictions,
  type Predictions,
  type PredictionsCsvOptions,
} from '../../export/onnx/node/index.ts';
import { readError } from '../../datasets/errors.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { checkpointFlag } from './export.ts';
import { readRawRows } from './predict-rows.ts';

const USAGE = `mlpw predict (RUN | FILE.onnx) --data FILE [--out FILE.csv] [--keep COLS] [--by-position]
             [--checkpoint final|best] [--db FILE]
  prints (or writes) one CSV line per row: class,p_<label>… for a classifier, the target's values for a regression.
  A model trained on an imported table takes its raw columns (CSV, JSON or NDJSON), found by header name:
  a missing value is imputed, an unseen category encodes as all zeros. --by-position takes the columns by position
  (the table's layout as imported, or without its target, or the model's columns in order); --keep COLS copies
  columns (names or 1-based positions, e.g. an id) to the output`;

interface RawFlags {
  byPosition?: boolean;
  keep?: string;
}

/** Raw rows through the engine (a run) or onnxruntime (a file): the same values, one preprocessing. */
async function rawPredictions(
  p: Preprocessing,
  data: string,
  flags: RawFlags,
  predict: (rows: Awaited<ReturnType<typeof readRawRows>>['rows']) => Promise<Predictions>,
): Promise<{ predictions: Predictions; csv: PredictionsCsvOptions }> {
  const raw = await readRawRows(data, p, flags);
  const predictions = await predict(raw.rows);
  return { predictions, csv: { keep: raw.keep, targetName: p.target.name } };
}

function encodedOnly(flags: RawFlags): void {
  const given = flags.keep !== undefined ? '--keep' : flags.byPosition ? '--by-position' : undefined;
  if (given)
    throw new UsageError(
      `${given} is for models trained on an imported table (they take raw rows); this model takes encoded features`,
    );
}

/** The columns a CSV gives: the model's features, or x1, x2 alone when the model computes its transforms. */
function features(
  snapshot: ModelSnapshot,
  transforms: readonly FeatureTransform[] = [],
): { features: number; featureNames?: string[] } {
  if (transforms.length) return { features: 2, featureNames: snapshot.featureNames?.slice(0, 2) ?? ['x1', 'x2'] };
  return { features: snapshot.layers[0]!.inputs, featureNames: snapshot.featureNames };
}

async function fromOnnxFile(
  path: string,
  data: string,
  flags: RawFlags,
): Promise<{ predictions: Predictions; csv: PredictionsCsvOptions }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const model = readOnnxModel(bytes, path);
    if (model.preprocessing)
      return await rawPredictions(model.preprocessing, data, flags, (rows) => predictRawWithOnnx(bytes, rows, path));
    encodedOnly(flags);
    const rows = await readCsvFeatures(data, features(model.snapshot, model.transforms));
    return { predictions: await predictWithOnnx(bytes, rows.x, rows.n, path), csv: {} };
  } catch (e) {
    // The user named a file that is not one of our models, or rows that do not fit it: their mistake, exit 2.
    if (e instanceof OnnxError && (e.code === 'not_onnx' || e.code === 'not_ours' || e.code === 'bad_input'))
      throw new UsageError(e.message, e.code);
    throw e;
  }
}

export const predict: Command = {
  name: 'predict',
  summary: "a run's or an ONNX file's predictions for the rows of a CSV file",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      data: { type: 'string' },
      out: { type: 'string' },
      checkpoint: { type: 'string' },
      keep: { type: 'string' },
      'by-position': { type: 'boolean' },
    });
    if (positionals.length !== 1)
      throw new UsageError(
        `expected a run id or an .onnx file, got ${positionals.length} arguments (usage: ${USAGE.split('\n')[0]})`,
      );
    if (!values.data) throw new UsageError('--data FILE.csv is required');
    const source = positionals[0]!;
    const kind = checkpointFlag(values.checkpoint);
    const isFile = /\.onnx$/i.test(source) || existsSync(source);
    const flags: RawFlags = { byPosition: values['by-position'], keep: values.keep };
    const { predictions: p, csv: csvOptions } = isFile
      ? await fromOnnxFile(source, values.data, flags)
      : await withStore(values.db, ctx.env, async (store) => {
          const run = store.getRun(source);
          const checkpoint = store.getCheckpoint(run.id, kind);
          if (!checkpoint)
            throw new UsageError(
              `run ${run.id} has no ${kind} checkpoint (status ${run.status}, ${run.epochsDone} epochs)`,
            );
          const snapshot = checkpoint.snapshot;
          const pre = runPreprocessing(store, run);
          if (pre)
            return rawPredictions(pre, values.data!, flags, async (rows) =>
              toPredictions(snapshot, await enginePredict(snapshot, encodeRows(pre, rows), rows.length), rows.length),
            );
          encodedOnly(flags);
          const transforms = runTransforms(run.config);
          const rows = await readCsvFeatures(values.data!, features(snapshot, transforms));
          const x = transforms.length ? expandRows(rows.x, rows.n, transforms) : rows.x;
          return {
            predictions: toPredictions(snapshot, await enginePredict(snapshot, x, rows.n), rows.n),
            csv: {},
          };
        });
    const csv = predictionsToCsv(p, csvOptions);
    if (!values.out) {
      ctx.stdout.write(csv);
      return 0;
    }
    try {
      await writeFile(values.out, csv);
    } catch (e) {
      throw new UsageError(
        `--out: cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    ctx.stdout.write(`${p.n} predictions → ${values.out}\n`);
    return 0;
  },
};
