// A ModelSnapshot plus the run's facts → the bytes of an .onnx file. Pure: no Node built-ins, so the renderer can
// export too. Opset 13 (Softmax on one axis, Gemm with a broadcast bias) with IR version 7, the pair ONNX 1.8 shipped.
import type { ExperimentConfig } from '../../engine/config.ts';
import type { Preprocessing } from '../../engine/data/preprocessing.ts';
import type { FeatureTransform } from '../../engine/data/transforms.ts';
import type { CheckpointKind, EpochMetrics, ModelSnapshot } from '../../engine/types.ts';
import { BATCH_DIM, INPUT_NAME, mlpGraph } from './graph.ts';
import { DataType, encodeModel, type ModelMsg, type ValueInfoMsg } from './proto.ts';
import { ML_DOMAIN, ML_OPSET_VERSION, rawInputInfo } from './raw-inputs.ts';

export const PRODUCER_NAME = 'mlp-workbench';
export const OPSET_VERSION = 13;
export const IR_VERSION = 7;
/** Bumped when the graph's layout changes in a way the reader must know about. */
export const FORMAT_VERSION = '1';

export interface OnnxExportMeta {
  runId: string;
  /** the run's full config; stored as JSON in metadata_props["config"]. */
  config: ExperimentConfig;
  /** dataset name (config.dataset.name, or the imported dataset's name). */
  dataset: string;
  checkpoint: CheckpointKind;
  /** the run's best and final epoch metrics (RunSummary.best / .final). */
  metrics: { best: EpochMetrics | null; final: EpochMetrics | null };
  /** package.json's version; node/export-run.ts fills it in for Node callers. */
  producerVersion: string;
  /** the imported table's fitted preprocessing: the graph then takes the raw columns (raw-inputs.ts) */
  preprocessing?: Preprocessing | null;
  /** a built-in 2-D run's feature transforms: the graph then takes x1, x2 and computes them (transform-inputs.ts) */
  transforms?: readonly FeatureTransform[] | null;
}

/** metadata_props keys; values are strings, JSON where marked. */
export const META = {
  format: 'mlpw.format',
  runId: 'run_id',
  config: 'config', // JSON
  dataset: 'dataset',
  checkpoint: 'checkpoint',
  task: 'task',
  head: 'head',
  loss: 'loss',
  classLabels: 'class_labels', // JSON array or null
  featureNames: 'feature_names', // JSON array or null
  metrics: 'metrics', // JSON {best, final}
  preprocessing: 'preprocessing', // JSON (engine/data/preprocessing.ts); only on models that take raw rows
  transforms: 'transforms', // JSON array (engine/data/transforms.ts); only on models that compute feature transforms
} as const;

function tensorInfo(name: string, columns: number): ValueInfoMsg {
  return {
    name,
    type: {
      tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: BATCH_DIM }, { dimValue: columns }] } },
    },
  };
}

function describe(
  snapshot: ModelSnapshot,
  meta: OnnxExportMeta,
  features: number,
  inputWidth: number,
  output: string,
  units: number,
): string {
  const sizes = [features, ...snapshot.layers.map((l) => l.units)].join('-');
  const acts =
    snapshot.layers
      .slice(0, -1)
      .map((l) => l.activation)
      .join(', ') || 'none';
  const pre = snapshot.standardize ? 'raw features (standardisation is in the graph)' : 'features as in the dataset';
  if (meta.preprocessing) {
    const cols = meta.preprocessing.columns.map((c) => `"${c.name}" (${c.kind})`).join(', ');
    return (
      `MLP ${sizes} (hidden activations: ${acts}; head: ${snapshot.head}) from MLP Workbench run ${meta.runId} ` +
      `on ${meta.dataset}, ${meta.checkpoint} checkpoint. Raw columns in, one input each: ${cols}; numeric as float ` +
      `[batch, 1] (NaN: missing), categorical as string [batch, 1] ("" or NA…: missing; an unseen category: all ` +
      `zeros), date as float [batch, 5] (year, day of year sin/cos, weekday sin/cos). Imputation, one-hot ` +
      `encoding and standardisation are in the graph. Output "${output}" [batch, ${units}].`
    );
  }
  const input = meta.transforms?.length
    ? `raw x1, x2; the feature transforms ${meta.transforms.join(', ')} and ${snapshot.standardize ? 'standardisation' : 'nothing else'} are in the graph`
    : pre;
  return (
    `MLP ${sizes} (hidden activations: ${acts}; head: ${snapshot.head}) from MLP Workbench run ${meta.runId} ` +
    `on ${meta.dataset}, ${meta.checkpoint} checkpoint. Input "${INPUT_NAME}" [batch, ${inputWidth}]: ${input}. ` +
    `Output "${output}" [batch, ${units}].`
  );
}

export function buildOnnxModel(snapshot: ModelSnapshot, meta: OnnxExportMeta): Uint8Array {
  const graph = mlpGraph(snapshot, meta.preprocessing, meta.transforms);
  const props: Record<string, string> = {
    [META.format]: FORMAT_VERSION,
    [META.runId]: meta.runId,
    [META.config]: JSON.stringify(meta.config),
    [META.dataset]: meta.dataset,
    [META.checkpoint]: meta.checkpoint,
    [META.task]: snapshot.task,
    [META.head]: snapshot.head,
    [META.loss]: snapshot.loss,
    [META.classLabels]: JSON.stringify(snapshot.classLabels ?? null),
    [META.featureNames]: JSON.stringify(snapshot.featureNames ?? null),
    [META.metrics]: JSON.stringify(meta.metrics),
    ...(meta.preprocessing ? { [META.preprocessing]: JSON.stringify(meta.preprocessing) } : {}),
    ...(meta.transforms?.length ? { [META.transforms]: JSON.stringify(meta.transforms) } : {}),
  };
  const model: ModelMsg = {
    irVersion: IR_VERSION,
    opsetImport: [
      { domain: '', version: OPSET_VERSION },
      ...(graph.rawInputs ? [{ domain: ML_DOMAIN, version: ML_OPSET_VERSION }] : []),
    ],
    producerName: PRODUCER_NAME,
    producerVersion: meta.producerVersion,
    domain: 'org.mlp-workbench',
    modelVersion: 1,
    docString: describe(snapshot, meta, graph.features, graph.inputWidth, graph.output, graph.outputUnits),
    graph: {
      name: `mlp_${meta.runId}`,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.rawInputs
        ? graph.rawInputs.map((r) => rawInputInfo(r, BATCH_DIM))
        : [tensorInfo(INPUT_NAME, graph.inputWidth)],
      output: [tensorInfo(graph.output, graph.outputUnits)],
    },
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
  };
  return encodeModel(model);
}
