/**
 * ONNX export of a trained MLP. This entry point is pure (no Node built-ins): the renderer may import it.
 * Node callers (CLI, store host) import `export/onnx/node/index.ts`, which re-exports all of this plus onnxruntime.
 *
 * The file: opset 13, IR 7, producer_name "mlp-workbench". Input `input` float32 [batch, features] of RAW features
 * (standardisation is baked in as standardize.sub/div); per layer i: Gemm `layer{i}.gemm` over `layer{i}.weight`
 * [inputs, units] and `layer{i}.bias`, then its activation (`layer{i}.relu`, …; GELU spelled out in tanh form;
 * LeakyRelu alpha 0.01); the head `head.softmax` (axis −1) or `head.sigmoid` → output `probabilities`
 * [batch, classes | 1], or for regression the last Gemm writes `output` [batch, targets]. No dropout.
 * metadata_props: mlpw.format, run_id, config (JSON), dataset, checkpoint, task, head, loss, class_labels (JSON),
 * feature_names (JSON), metrics (JSON {best, final}).
 * A run on an imported table (its dataset has a preprocessing record) instead takes RAW rows: one input per source
 * column, named by it (numeric float [batch, 1], categorical string [batch, 1], date float [batch, 5] of its
 * features), with imputation, indicators, one-hot encoding (ai.onnx.ml LabelEncoder, opset 2) and standardisation in
 * the graph (raw-inputs.ts); metadata_props["preprocessing"] holds the fitted values. Predict with
 * `predictRawWithOnnx(bytes, rows)` (rows of RawValue, engine/data/preprocessing.ts) or, in the engine,
 * `enginePredict(snapshot, encodeRows(preprocessing, rows), n)`: the same numbers.
 * A run on a built-in 2-D set with feature transforms (dataset.transforms) takes `input` [batch, 2] of the raw x1,
 * x2 and computes the transforms in the graph (transform-inputs.ts: Gather, Mul, Sin, Concat, in the config's order,
 * before standardisation); metadata_props["transforms"] (JSON) names them and readOnnxModel returns them. Predict
 * with `predictWithOnnx(bytes, x1x2, n)` or `enginePredict(snapshot, expandRows(x1x2, n, transforms), n)`.
 *
 * Exporting a stored run (Node): `await exportRun(store, runId, 'final', { path })` (or `{ download: true }`) →
 *   { bytes, verification: {maxAbsDiff, samples, ortVersion, tolerance}, path, … }, recorded as an artifact; a
 *   snapshot outside the store: `exportVerified(snapshot, meta, validationRows(config, dataset))`, then
 *   `saveOnnxFile(path, bytes)` (only .onnx paths; an existing file only if it is one of our models).
 * Predicting from a file (Node): `await predictWithOnnx(bytes, rawX, n, path)`; from a run (anywhere):
 *   `toPredictions(snapshot, await enginePredict(snapshot, rawX, n), n)`; either → `predictionsToCsv(p)` for --out.
 * Reading a file: `readOnnxModel(bytes, path)` → the snapshot and metadata, or OnnxError 'not_onnx' / 'not_ours'.
 * Every failure is an OnnxError {code, message, details}; see errors.ts for the codes.
 */
export {
  buildOnnxModel,
  FORMAT_VERSION,
  IR_VERSION,
  META,
  OPSET_VERSION,
  PRODUCER_NAME,
  type OnnxExportMeta,
} from './build.ts';
export { enginePredict } from './engine-predict.ts';
export { OnnxError, type OnnxErrorCode } from './errors.ts';
export { predictionsToCsv, toPredictions, type Predictions, type PredictionsCsvOptions } from './predictions.ts';
export { BATCH_DIM, INPUT_NAME, mlpGraph, outputName } from './graph.ts';
export { readOnnxModel, type OnnxModelInfo } from './read.ts';
export { FEATURES_NAME, missingSpellings, type RawInput } from './raw-inputs.ts';
