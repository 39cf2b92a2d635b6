// Predictions for new raw rows from an exported .onnx file, run by onnxruntime-web: what `mlpw predict FILE.onnx`
// prints. The file is first checked to be one of ours (readOnnxModel) so the rows' width and the labels are known.
import { OnnxError } from '../errors.ts';
import { toPredictions, type Predictions } from '../predictions.ts';
import { readOnnxModel, type OnnxModelInfo } from '../read.ts';
import type { RawValue } from '../../../engine/data/preprocessing.ts';
import { runOnnx, runOnnxRaw } from './runtime.ts';

export interface OnnxPredictions extends Predictions {
  model: OnnxModelInfo;
}

/** n raw rows (n × features, row-major, the dataset's own units; x1, x2 alone for a model that computes feature
 *  transforms) through the model; `source` names the file. */
export async function predictWithOnnx(
  bytes: Uint8Array,
  rawX: Float32Array,
  n: number,
  source?: string,
): Promise<OnnxPredictions> {
  const model = readOnnxModel(bytes, source);
  const features = model.input.features;
  if (rawX.length !== n * features)
    throw new OnnxError(
      'bad_input',
      `the model takes ${features} features per row${model.transforms.length ? ` (x1, x2; it computes ${model.transforms.join(', ')} itself)` : ''}; got ${rawX.length} values for ${n} rows`,
      {
        features,
        n,
      },
    );
  const { values } = await runOnnx(bytes, rawX, n);
  return { ...toPredictions(model.snapshot, values, n), model };
}

/** Rows of raw values (one per column the model takes, in its order) through a model that takes raw rows. */
export async function predictRawWithOnnx(
  bytes: Uint8Array,
  rows: readonly (readonly RawValue[])[],
  source?: string,
): Promise<OnnxPredictions> {
  const model = readOnnxModel(bytes, source);
  if (!model.rawInputs)
    throw new OnnxError('bad_input', `${source ?? 'the model'} takes encoded features, not raw rows`);
  const { values } = await runOnnxRaw(bytes, model.rawInputs, rows);
  return { ...toPredictions(model.snapshot, values, rows.length), model };
}
