// Predictions for new raw rows from an exported .onnx file, run by onnxruntime-web: what `mlpw predict FILE.onnx`
// prints. The file is first checked to be one of ours (readOnnxModel) so the rows' width and the labels are known.
import { OnnxError } from '../errors.ts';
import { readOnnxModel, type OnnxModelInfo } from '../read.ts';
import { runOnnx } from './runtime.ts';

export interface OnnxPredictions {
  task: 'classification' | 'regression';
  /** "probabilities" (classification) or "output" (regression). */
  outputName: 'probabilities' | 'output';
  /** columns of `values`: classes for softmax, 1 (= P(class 1)) for sigmoid, targets for regression. */
  outputUnits: number;
  /** n × outputUnits, row-major. */
  values: Float32Array;
  /** classification: predicted class per row (argmax; sigmoid: P ≥ 0.5, as the engine scores accuracy). */
  predictedClass?: Uint32Array;
  classLabels?: string[];
  model: OnnxModelInfo;
}

/** n raw rows (n × features, row-major, the dataset's own units) through the model; `source` names the file. */
export async function predictWithOnnx(bytes: Uint8Array, rawX: Float32Array, n: number, source?: string): Promise<OnnxPredictions> {
  const model = readOnnxModel(bytes, source);
  const features = model.input.features;
  if (rawX.length !== n * features)
    throw new OnnxError('bad_input', `the model takes ${features} features per row; got ${rawX.length} values for ${n} rows`, {
      features,
      n,
    });
  const { values, outputUnits } = await runOnnx(bytes, rawX, n);
  const { task, head, classLabels } = model.snapshot;
  const result: OnnxPredictions = { task, outputName: model.output.name, outputUnits, values, model };
  if (task === 'classification') {
    const predicted = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      if (head === 'sigmoid') predicted[i] = values[i]! >= 0.5 ? 1 : 0;
      else {
        let best = 0;
        for (let j = 1; j < outputUnits; j++) if (values[i * outputUnits + j]! > values[i * outputUnits + best]!) best = j;
        predicted[i] = best;
      }
    }
    result.predictedClass = predicted;
    if (classLabels) result.classLabels = classLabels;
  }
  return result;
}
