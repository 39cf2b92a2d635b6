// The ONNX graph of an MLP snapshot: nodes and initializers, named by layer. The reader rebuilds this from the
// snapshot it recovers and compares, so this file is the single definition of what "one of our models" looks like.
//
// With a table's preprocessing (raw-inputs.ts) the graph takes one input per source column instead of `input`, and
// its preprocessing nodes end in `pre.features` [batch, F], which takes input's place. With feature transforms
// (transform-inputs.ts) `input` is the raw x1, x2 [batch, 2] and `transforms.features` [batch, 2 + k] takes its place:
//
//   input [batch, F] ─ standardize.sub ─ standardize.div ─ layer1.gemm ─ layer1.<activation> ─ … ─ layerN.gemm ─ head
//
// Layer i (1-based) holds layer{i}.weight [inputs, units] (row-major, H = X·W + b, so Gemm with transB = 0) and
// layer{i}.bias [units]. The output layer's activation is identity, so its Gemm feeds the head directly.
import type { Activation, ResolvedHead } from '../../engine/config.ts';
import { GELU_A, GELU_C, LEAKY_SLOPE } from '../../engine/model/activations.ts';
import type { Preprocessing } from '../../engine/data/preprocessing.ts';
import type { FeatureTransform } from '../../engine/data/transforms.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { OnnxError } from './errors.ts';
import { AttributeType, floatTensor, type NodeMsg, type TensorMsg } from './proto.ts';
import { FEATURES_NAME, rawInputGraph, type RawInput } from './raw-inputs.ts';
import { TRANSFORMED_NAME, transformGraph } from './transform-inputs.ts';

export const INPUT_NAME = 'input';
export const BATCH_DIM = 'batch';

/** torch.onnx's convention is `output`; a classifier's head gives probabilities, so it says so. */
export function outputName(head: ResolvedHead): 'probabilities' | 'output' {
  return head === 'identity' ? 'output' : 'probabilities';
}

export interface MlpGraph {
  nodes: NodeMsg[];
  initializers: TensorMsg[];
  /** the MLP's input width (after any transforms) */
  features: number;
  /** columns of the graph's `input`: `features`, or 2 for a model on feature transforms */
  inputWidth: number;
  /** columns of the output tensor: classes (softmax), 1 (sigmoid), targets (identity). */
  outputUnits: number;
  output: 'probabilities' | 'output';
  /** a model that takes raw rows: its inputs, one per source column (else the single `input`) */
  rawInputs?: RawInput[];
}

/** Names of the values the MLP part writes: no column may be called so. */
function reservedName(name: string): boolean {
  return /^(standardize|layer\d+|gelu|head)\./.test(name) || ['probabilities', 'output'].includes(name);
}

function node(
  name: string,
  opType: string,
  input: string[],
  output: string,
  attribute?: NodeMsg['attribute'],
): NodeMsg {
  return attribute ? { name, opType, input, output: [output], attribute } : { name, opType, input, output: [output] };
}

/** GELU's constants as scalar initializers, written once per model when a layer uses GELU. */
const GELU_CONSTANTS = { 'gelu.a': GELU_A, 'gelu.c': GELU_C, 'gelu.half': 0.5, 'gelu.one': 1 } as const;

/** Nodes computing activation(x) for layer `p` (e.g. "layer2"); returns the name of the result. */
function activationNodes(kind: Activation, p: string, x: string, nodes: NodeMsg[]): string {
  const y = `${p}.output`;
  switch (kind) {
    case 'identity':
      return x;
    case 'sigmoid':
      nodes.push(node(`${p}.sigmoid`, 'Sigmoid', [x], y));
      return y;
    case 'tanh':
      nodes.push(node(`${p}.tanh`, 'Tanh', [x], y));
      return y;
    case 'relu':
      nodes.push(node(`${p}.relu`, 'Relu', [x], y));
      return y;
    case 'leaky_relu':
      nodes.push(
        node(`${p}.leaky_relu`, 'LeakyRelu', [x], y, [{ name: 'alpha', type: AttributeType.FLOAT, f: LEAKY_SLOPE }]),
      );
      return y;
    case 'gelu': {
      // Gelu is an operator only from opset 20: spell out 0.5·x·(1 + tanh(c·(x + a·x³))), the engine's tanh form.
      const g = `${p}.gelu`;
      nodes.push(
        node(`${g}.square`, 'Mul', [x, x], `${g}.x2`),
        node(`${g}.cube`, 'Mul', [`${g}.x2`, x], `${g}.x3`),
        node(`${g}.scale_cube`, 'Mul', [`${g}.x3`, 'gelu.a'], `${g}.ax3`),
        node(`${g}.add`, 'Add', [x, `${g}.ax3`], `${g}.inner`),
        node(`${g}.scale_inner`, 'Mul', [`${g}.inner`, 'gelu.c'], `${g}.u`),
        node(`${g}.tanh`, 'Tanh', [`${g}.u`], `${g}.t`),
        node(`${g}.one_plus`, 'Add', [`${g}.t`, 'gelu.one'], `${g}.one_plus_t`),
        node(`${g}.half_x`, 'Mul', [x, 'gelu.half'], `${g}.half_x_out`),
        node(`${g}.mul`, 'Mul', [`${g}.half_x_out`, `${g}.one_plus_t`], y),
      );
      return y;
    }
    default:
      throw new OnnxError('unsupported', `cannot export activation "${String(kind)}" to ONNX`);
  }
}

export function mlpGraph(
  snapshot: ModelSnapshot,
  preprocessing?: Preprocessing | null,
  transforms?: readonly FeatureTransform[] | null,
): MlpGraph {
  const { layers, standardize, head } = snapshot;
  if (layers.length === 0) throw new OnnxError('unsupported', 'the snapshot has no layers');
  const features = layers[0]!.inputs;
  const nodes: NodeMsg[] = [];
  const initializers: TensorMsg[] = [];
  let x = INPUT_NAME;
  let rawInputs: RawInput[] | undefined;
  if (preprocessing) {
    const pre = rawInputGraph(preprocessing, reservedName);
    if (pre.features !== features)
      throw new OnnxError(
        'unsupported',
        `the dataset's preprocessing gives ${pre.features} features but the model takes ${features}`,
      );
    nodes.push(...pre.nodes);
    initializers.push(...pre.initializers);
    rawInputs = pre.inputs;
    x = FEATURES_NAME;
  }
  let inputWidth = features;
  if (transforms?.length) {
    if (preprocessing)
      throw new OnnxError('unsupported', 'feature transforms are for the built-in 2-D sets, not an imported table');
    const t = transformGraph(INPUT_NAME, transforms);
    if (t.features !== features)
      throw new OnnxError(
        'unsupported',
        `x1, x2 and the transforms (${transforms.join(', ')}) give ${t.features} features but the model takes ${features}`,
      );
    nodes.push(...t.nodes);
    initializers.push(...t.initializers);
    inputWidth = 2;
    x = TRANSFORMED_NAME;
  }

  if (standardize) {
    // Raw features in: (x − mean) / std with the training split's statistics, as engine/data/prepare.ts does.
    initializers.push(floatTensor('standardize.mean', [features], standardize.mean));
    initializers.push(floatTensor('standardize.std', [features], standardize.std));
    nodes.push(node('standardize.sub', 'Sub', [x, 'standardize.mean'], 'standardize.centered'));
    nodes.push(node('standardize.div', 'Div', ['standardize.centered', 'standardize.std'], 'standardize.output'));
    x = 'standardize.output';
  }

  let inputs = features;
  layers.forEach((layer, i) => {
    const p = `layer${i + 1}`;
    if (layer.inputs !== inputs)
      throw new OnnxError('unsupported', `${p} takes ${layer.inputs} inputs but the previous layer gives ${inputs}`);
    initializers.push(floatTensor(`${p}.weight`, [layer.inputs, layer.units], layer.W));
    initializers.push(floatTensor(`${p}.bias`, [layer.units], layer.b));
    nodes.push(node(`${p}.gemm`, 'Gemm', [x, `${p}.weight`, `${p}.bias`], `${p}.linear`));
    x = activationNodes(layer.activation, p, `${p}.linear`, nodes);
    inputs = layer.units;
  });
  if (layers.some((l) => l.activation === 'gelu'))
    for (const [name, value] of Object.entries(GELU_CONSTANTS)) initializers.push(floatTensor(name, [], [value]));

  const output = outputName(head);
  if (head === 'softmax') {
    nodes.push(node('head.softmax', 'Softmax', [x], output, [{ name: 'axis', type: AttributeType.INT, i: -1 }]));
  } else if (head === 'sigmoid') {
    nodes.push(node('head.sigmoid', 'Sigmoid', [x], output));
  } else {
    // identity head: the last node writes the graph output itself.
    nodes[nodes.length - 1]!.output = [output];
  }
  return {
    nodes,
    initializers,
    features,
    inputWidth,
    outputUnits: inputs,
    output,
    ...(rawInputs ? { rawInputs } : {}),
  };
}
