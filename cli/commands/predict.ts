// `mlpw predict (RUN | FILE.onnx) --data FILE.csv`: the model's outputs for new rows: the class and its
// probabilities, or the values. A run predicts with the engine from its checkpoint; a file with onnxruntime.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { readCsvFeatures } from '../../datasets/csv/features.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import {
  enginePredict,
  OnnxError,
  predictionsToCsv,
  predictWithOnnx,
  readOnnxModel,
  toPredictions,
  type Predictions,
} from '../../export/onnx/node/index.ts';
import { readError } from '../../datasets/errors.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';
import { checkpointFlag } from './export.ts';

const USAGE = `mlpw predict (RUN | FILE.onnx) --data FILE.csv [--out FILE.csv] [--checkpoint final|best] [--db FILE]
  prints (or writes) one CSV line per row: class,p_<label>… for a classifier, output… for a regression`;

function features(snapshot: ModelSnapshot): { features: number; featureNames?: string[] } {
  return { features: snapshot.layers[0]!.inputs, featureNames: snapshot.featureNames };
}

async function fromOnnxFile(path: string, data: string): Promise<Predictions> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const model = readOnnxModel(bytes, path);
    const rows = await readCsvFeatures(data, features(model.snapshot));
    return await predictWithOnnx(bytes, rows.x, rows.n, path);
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
    });
    if (positionals.length !== 1)
      throw new UsageError(
        `expected a run id or an .onnx file, got ${positionals.length} arguments (usage: ${USAGE.split('\n')[0]})`,
      );
    if (!values.data) throw new UsageError('--data FILE.csv is required');
    const source = positionals[0]!;
    const kind = checkpointFlag(values.checkpoint);
    const isFile = /\.onnx$/i.test(source) || existsSync(source);
    const p = isFile
      ? await fromOnnxFile(source, values.data)
      : await withStore(values.db, ctx.env, async (store) => {
          const run = store.getRun(source);
          const checkpoint = store.getCheckpoint(run.id, kind);
          if (!checkpoint)
            throw new UsageError(
              `run ${run.id} has no ${kind} checkpoint (status ${run.status}, ${run.epochsDone} epochs)`,
            );
          const rows = await readCsvFeatures(values.data!, features(checkpoint.snapshot));
          return toPredictions(checkpoint.snapshot, await enginePredict(checkpoint.snapshot, rows.x, rows.n), rows.n);
        });
    const csv = predictionsToCsv(p);
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
