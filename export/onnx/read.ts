// .onnx bytes → the MLP inside, if it is one of ours: producer_name "mlp-workbench" and exactly the graph that
// graph.ts writes for the snapshot recovered from the initializers. Anything else is rejected with a message that
// says what was found. Pure: no Node built-ins.
import {
  ACTIVATIONS,
  parseConfig,
  type Activation,
  type ExperimentConfig,
  type ResolvedHead,
  type ResolvedLoss,
} from '../../engine/config.ts';
import { PreprocessingSchema, type Preprocessing } from '../../engine/data/preprocessing.ts';
import { FEATURE_TRANSFORMS, type FeatureTransform } from '../../engine/data/transforms.ts';
import { clip, excerpt } from '../../engine/excerpt.ts';
import type { EpochMetrics, LayerWeights, ModelSnapshot } from '../../engine/types.ts';
import { FORMAT_VERSION, META, PRODUCER_NAME } from './build.ts';
import { OnnxError } from './errors.ts';
import { INPUT_NAME, mlpGraph, outputName } from './graph.ts';
import type { RawInput } from './raw-inputs.ts';
import {
  AttributeType,
  decodeModel,
  tensorFloats,
  type AttributeMsg,
  type ModelMsg,
  type NodeMsg,
  type TensorMsg,
} from './proto.ts';

export interface OnnxModelInfo {
  /** the network as the engine holds it: CpuBackend/Mlp can run it, buildOnnxModel writes it back. */
  snapshot: ModelSnapshot;
  runId: string;
  dataset: string;
  checkpoint: string;
  /** the run's config, or null when the stored JSON no longer validates. */
  config: ExperimentConfig | null;
  metrics: { best: EpochMetrics | null; final: EpochMetrics | null } | null;
  producerVersion: string;
  irVersion: number;
  opset: number;
  docString: string;
  /** the graph's `input`: its columns (x1, x2 only for a model on feature transforms) */
  input: { name: string; features: number };
  output: { name: 'probabilities' | 'output'; units: number };
  /** a model that takes raw rows: the table's fitted preprocessing and the graph's inputs (one per column) */
  preprocessing: Preprocessing | null;
  rawInputs: RawInput[] | null;
  /** the feature transforms the graph computes from x1, x2 (engine/data/transforms.ts order); [] when none */
  transforms: FeatureTransform[];
}

function notOurs(source: string, why: string): OnnxError {
  return new OnnxError('not_ours', `${source} is an ONNX model but not an MLP exported by MLP Workbench: ${why}`);
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** A node reduced to what defines it, attribute values in float32 as stored, for comparing graphs. */
const utf8 = new TextDecoder();
function nodeKey(n: NodeMsg): string {
  const attr = (a: AttributeMsg) =>
    a.type === AttributeType.FLOAT
      ? [a.name, a.type, Math.fround(a.f ?? 0)]
      : a.type === AttributeType.INT
        ? [a.name, a.type, Number(a.i ?? 0)]
        : a.type === AttributeType.INTS
          ? [a.name, a.type, (a.ints ?? []).map(Number)]
          : a.type === AttributeType.STRINGS
            ? [a.name, a.type, (a.strings ?? []).map((b) => utf8.decode(b))]
            : [a.name, a.type];
  return JSON.stringify([n.name, n.opType, n.domain ?? '', n.input, n.output, (n.attribute ?? []).map(attr)]);
}

function layerActivation(nodes: NodeMsg[], prefix: string, source: string): Activation {
  const own = nodes.filter((n) => n.name.startsWith(`${prefix}.`) && n.name !== `${prefix}.gemm`);
  if (own.length === 0) return 'identity';
  const kind = own[0]!.name.slice(prefix.length + 1).split('.')[0]!;
  if (!(ACTIVATIONS as readonly string[]).includes(kind))
    throw notOurs(source, `node ${excerpt(own[0]!.name)} is no activation we write`);
  return kind as Activation;
}

function recoverLayers(m: ModelMsg, source: string): LayerWeights[] {
  const init = new Map<string, TensorMsg>(m.graph.initializer.map((t) => [t.name, t]));
  const layers: LayerWeights[] = [];
  for (let i = 1; init.has(`layer${i}.weight`); i++) {
    const p = `layer${i}`;
    const w = init.get(`${p}.weight`)!;
    const b = init.get(`${p}.bias`);
    const [inputs, units] = w.dims.map(Number);
    if (w.dims.length !== 2 || !inputs || !units)
      throw notOurs(source, `${p}.weight has shape ${excerpt(w.dims.map(Number))}, not [inputs, units]`);
    if (!b || b.dims.length !== 1 || Number(b.dims[0]) !== units)
      throw notOurs(source, `${p}.bias is missing or is not [${units}]`);
    const W = tensorFloats(w);
    const bias = tensorFloats(b);
    if (W.length !== inputs * units || bias.length !== units)
      throw notOurs(source, `${p}'s initializers hold the wrong number of values`);
    layers.push({ inputs, units, activation: layerActivation(m.graph.node, p, source), W, b: bias });
  }
  if (layers.length === 0) throw notOurs(source, 'it has no layer1.weight initializer');
  return layers;
}

function recoverHead(m: ModelMsg): ResolvedHead {
  if (m.graph.node.some((n) => n.name === 'head.softmax')) return 'softmax';
  if (m.graph.node.some((n) => n.name === 'head.sigmoid')) return 'sigmoid';
  return 'identity';
}

/** Parses an .onnx file's bytes; `source` (e.g. the path) names the file in errors. */
export function readOnnxModel(bytes: Uint8Array, source = 'the ONNX file'): OnnxModelInfo {
  const m = decodeModel(bytes, source);
  if (m.producerName !== PRODUCER_NAME) {
    const by = m.producerName
      ? `${excerpt(m.producerName)}${m.producerVersion ? ` ${clip(m.producerVersion, 40)}` : ''}`
      : 'an unnamed producer';
    throw notOurs(source, `it was written by ${by} (mlpw reads only models written by \`mlpw export\`)`);
  }
  const meta = new Map(m.metadataProps.map((p) => [p.key, p.value]));
  const format = meta.get(META.format);
  if (format !== FORMAT_VERSION)
    throw notOurs(
      source,
      `its format version is ${excerpt(format ?? null)}; this mlpw reads version ${FORMAT_VERSION}`,
    );

  const init = new Map(m.graph.initializer.map((t) => [t.name, t]));
  const mean = init.get('standardize.mean');
  const std = init.get('standardize.std');
  const head = recoverHead(m);
  const classLabels = parseJson<string[] | null>(meta.get(META.classLabels), null);
  const featureNames = parseJson<string[] | null>(meta.get(META.featureNames), null);
  const snapshot: ModelSnapshot = {
    task: head === 'identity' ? 'regression' : 'classification',
    head,
    loss: (meta.get(META.loss) ??
      (head === 'softmax' ? 'cross_entropy' : head === 'sigmoid' ? 'binary_cross_entropy' : 'mse')) as ResolvedLoss,
    layers: recoverLayers(m, source),
    standardize: mean && std ? { mean: tensorFloats(mean), std: tensorFloats(std) } : null,
    ...(classLabels ? { classLabels } : {}),
    ...(featureNames ? { featureNames } : {}),
  };

  // A model that takes raw rows carries its preprocessing; the graph must be the one it defines.
  const preText = meta.get(META.preprocessing);
  let preprocessing: Preprocessing | null = null;
  if (preText !== undefined) {
    const parsed = PreprocessingSchema.safeParse(parseJson<unknown>(preText, null));
    if (!parsed.success) throw notOurs(source, `its ${META.preprocessing} metadata is not a preprocessing we write`);
    preprocessing = parsed.data;
  }

  // A model on feature transforms names them; the graph must compute exactly those.
  const transformsText = meta.get(META.transforms);
  let transforms: FeatureTransform[] = [];
  if (transformsText !== undefined) {
    const list = parseJson<unknown>(transformsText, null);
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((t) => (FEATURE_TRANSFORMS as readonly unknown[]).includes(t))
    )
      throw notOurs(
        source,
        `its ${META.transforms} metadata ${excerpt(transformsText)} is not a list of ${FEATURE_TRANSFORMS.join(', ')}`,
      );
    transforms = list as FeatureTransform[];
  }

  // The structure check: the graph must be exactly the one we would write for this snapshot.
  const expected = mlpGraph(snapshot, preprocessing, transforms);
  const found = m.graph.node;
  for (let i = 0; i < Math.max(found.length, expected.nodes.length); i++) {
    const e = expected.nodes[i];
    const f = found[i];
    if (!e || !f || nodeKey(e) !== nodeKey(f))
      throw notOurs(
        source,
        `node ${i} is ${f ? `${excerpt(f.name)} (${clip(f.opType, 40)})` : 'missing'}, expected ${e ? `"${e.name}" (${e.opType})` : 'none'}`,
      );
  }
  const names = (ts: { name: string; dims: number[] }[]) =>
    ts
      .map((t) => `${t.name}[${t.dims.map(Number).join(',')}]`)
      .sort()
      .join(' ');
  if (names(m.graph.initializer) !== names(expected.initializers))
    throw notOurs(source, 'its initializers differ from the layout we write');
  // The preprocessing's own constants (fills, category codes) and the transforms' column indices must be ours.
  const bytesOf = (t: TensorMsg) => Array.from(t.rawData ?? []).join(',');
  for (const t of expected.initializers)
    if (/^(pre|transforms\.)/.test(t.name) && bytesOf(t) !== bytesOf(init.get(t.name)!))
      throw notOurs(source, `initializer ${excerpt(t.name)} differs from its preprocessing metadata`);
  const input = m.graph.input.filter((v) => !init.has(v.name));
  if (expected.rawInputs) {
    const want = expected.rawInputs.map((r) => r.name);
    if (input.length !== want.length || input.some((v, i) => v.name !== want[i]))
      throw notOurs(source, `its inputs are not the table's columns (${want.map((w) => excerpt(w)).join(', ')})`);
  } else if (input.length !== 1 || input[0]!.name !== INPUT_NAME)
    throw notOurs(source, `its input is not a single tensor named "${INPUT_NAME}"`);
  if (m.graph.output.length !== 1 || m.graph.output[0]!.name !== outputName(head))
    throw notOurs(source, `its output is not a single tensor named "${outputName(head)}"`);

  const config = parseJson<unknown>(meta.get(META.config), null);
  let validConfig: ExperimentConfig | null = null;
  try {
    validConfig = config === null ? null : parseConfig(config);
  } catch {
    validConfig = null;
  }
  return {
    snapshot,
    runId: meta.get(META.runId) ?? '',
    dataset: meta.get(META.dataset) ?? '',
    checkpoint: meta.get(META.checkpoint) ?? '',
    config: validConfig,
    metrics: parseJson(meta.get(META.metrics), null),
    producerVersion: m.producerVersion,
    irVersion: m.irVersion,
    opset: m.opsetImport.find((o) => !o.domain)?.version ?? 0,
    docString: m.docString ?? '',
    input: { name: INPUT_NAME, features: expected.inputWidth },
    output: { name: expected.output, units: expected.outputUnits },
    preprocessing,
    rawInputs: expected.rawInputs ?? null,
    transforms,
  };
}
