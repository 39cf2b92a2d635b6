// The front of the graph of a model trained on an imported table: one input per source column, named by the column,
// and the fitted preprocessing (engine/data/preprocessing.ts) as nodes, as scikit-learn's converters do, ending in
// the `features` tensor that the MLP part takes. Standard opset-13 ops plus ai.onnx.ml's LabelEncoder (v2), all of
// which onnxruntime-web's wasm build runs.
//
//   numeric c      float [batch, 1]:  IsNaN → Where(fill) → value; Cast(IsNaN) → is-missing indicator
//   categorical c  string [batch, 1]: LabelEncoder (category → 0…C−1, a missing text → −2, anything else → −1)
//                  → Where(−2 → the fill's index) → Equal(0…C−1) → Cast: one-hot (unseen: all zeros); indicator
//   date c         float [batch, 5]:  its DATE_PARTS features (an ONNX graph cannot parse a date string); any NaN
//                  → the fill date's features, and the indicator
//   Concat(axis 1) of every column's pieces, in the dataset's feature order → pre.features [batch, F]
//
// Every value inside is named pre{k}.… (k: the column's step), so only a column named like one, or like the graph's
// output ("probabilities", "output") or the MLP's values ("layer1.…"), cannot be exported.
//
// A missing categorical value is "" or one of the preprocessing's missing-value texts in any letter case ("NA",
// "na", "NaN", …); texts are matched as given (not trimmed).
import { DATE_PARTS } from '../../engine/data/dates.ts';
import { dateFeatures, stepWidth, type ColumnStep, type Preprocessing } from '../../engine/data/preprocessing.ts';
import { OnnxError } from './errors.ts';
import {
  AttributeType,
  DataType,
  floatTensor,
  int64Tensor,
  type AttributeMsg,
  type NodeMsg,
  type TensorMsg,
  type ValueInfoMsg,
} from './proto.ts';

export const ML_DOMAIN = 'ai.onnx.ml';
/** LabelEncoder's keys_strings / values_int64s attributes came with ai.onnx.ml version 2 (ONNX 1.5). */
export const ML_OPSET_VERSION = 2;
export const FEATURES_NAME = 'pre.features';
const MISSING_CODE = -2;
const UNSEEN_CODE = -1;

/** One graph input: a source column of the table. */
export interface RawInput {
  name: string;
  kind: ColumnStep['kind'];
  /** float or string */
  elemType: number;
  /** columns of the input: 1, or DATE_PARTS.length for a date */
  width: number;
}

export interface RawInputGraph {
  inputs: RawInput[];
  nodes: NodeMsg[];
  initializers: TensorMsg[];
  /** the encoded features' width */
  features: number;
}

const utf8 = new TextEncoder();

/** Every letter-case spelling of each missing-value text ("na" → na, nA, Na, NA), minus `except`. */
export function missingSpellings(missingValues: readonly string[], except: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of missingValues) {
    let spellings = [''];
    for (const ch of text.toLowerCase()) {
      const up = ch.toUpperCase();
      spellings = spellings.flatMap((s) => (up === ch ? [s + ch] : [s + ch, s + up]));
    }
    for (const s of spellings) out.add(s);
  }
  for (const c of except) out.delete(c);
  return [...out];
}

function node(name: string, opType: string, input: string[], output: string, attribute?: AttributeMsg[]): NodeMsg {
  return attribute ? { name, opType, input, output: [output], attribute } : { name, opType, input, output: [output] };
}

const castTo = (to: number): AttributeMsg[] => [{ name: 'to', type: AttributeType.INT, i: to }];

export function rawInputInfo(input: RawInput, batch: string): ValueInfoMsg {
  return {
    name: input.name,
    type: {
      tensorType: { elemType: input.elemType, shape: { dim: [{ dimParam: batch }, { dimValue: input.width }] } },
    },
  };
}

/** The preprocessing nodes for `p`; throws OnnxError('unsupported') when a column's name is taken inside the graph. */
export function rawInputGraph(p: Preprocessing, reserved: (name: string) => boolean): RawInputGraph {
  const nodes: NodeMsg[] = [];
  const initializers: TensorMsg[] = [];
  const inputs: RawInput[] = [];
  const pieces: string[] = [];
  p.columns.forEach((s, k) => {
    const x = s.name;
    const at = `pre${k}`;
    if (reserved(x) || /^pre\d*\./.test(x) || inputs.some((i) => i.name === x))
      throw new OnnxError(
        'unsupported',
        `column ${JSON.stringify(x)} has the name of a value inside the exported graph; rename it in the table and import it again`,
        { column: x },
      );
    let gap: string;
    if (s.kind === 'numeric') {
      inputs.push({ name: x, kind: s.kind, elemType: DataType.FLOAT, width: 1 });
      initializers.push(floatTensor(`${at}.fill`, [1], [s.fill]));
      gap = `${at}.gap`;
      nodes.push(node(`${at}.isnan`, 'IsNaN', [x], gap));
      nodes.push(node(`${at}.impute`, 'Where', [gap, `${at}.fill`, x], `${at}.value`));
    } else if (s.kind === 'categorical') {
      inputs.push({ name: x, kind: s.kind, elemType: DataType.STRING, width: 1 });
      const missing = missingSpellings(p.missingValues, s.categories);
      const keys = [...s.categories, ...missing];
      const codes = [...s.categories.map((_, i) => i), ...missing.map(() => MISSING_CODE)];
      nodes.push(
        node(`${at}.encode`, 'LabelEncoder', [x], `${at}.code`, [
          { name: 'default_int64', type: AttributeType.INT, i: UNSEEN_CODE },
          { name: 'keys_strings', type: AttributeType.STRINGS, strings: keys.map((t) => utf8.encode(t)) },
          { name: 'values_int64s', type: AttributeType.INTS, ints: codes },
        ]),
      );
      nodes[nodes.length - 1]!.domain = ML_DOMAIN;
      initializers.push(int64Tensor(`${at}.missing_code`, [], [MISSING_CODE]));
      initializers.push(int64Tensor(`${at}.fill`, [], [s.categories.indexOf(s.fill)]));
      initializers.push(
        int64Tensor(
          `${at}.categories`,
          [1, s.categories.length],
          s.categories.map((_, i) => i),
        ),
      );
      gap = `${at}.gap`;
      nodes.push(node(`${at}.is_missing`, 'Equal', [`${at}.code`, `${at}.missing_code`], gap));
      nodes.push(node(`${at}.impute`, 'Where', [gap, `${at}.fill`, `${at}.code`], `${at}.index`));
      nodes.push(node(`${at}.match`, 'Equal', [`${at}.index`, `${at}.categories`], `${at}.hot`));
      nodes.push(node(`${at}.one_hot`, 'Cast', [`${at}.hot`], `${at}.value`, castTo(DataType.FLOAT)));
    } else {
      inputs.push({ name: x, kind: s.kind, elemType: DataType.FLOAT, width: DATE_PARTS.length });
      initializers.push(floatTensor(`${at}.fill`, [DATE_PARTS.length], dateFeatures(s.fill)));
      nodes.push(node(`${at}.isnan`, 'IsNaN', [x], `${at}.nan`));
      nodes.push(node(`${at}.nan_float`, 'Cast', [`${at}.nan`], `${at}.nan_f`, castTo(DataType.FLOAT)));
      nodes.push(
        node(`${at}.any_nan`, 'ReduceMax', [`${at}.nan_f`], `${at}.gap_f`, [
          { name: 'axes', type: AttributeType.INTS, ints: [1] },
          { name: 'keepdims', type: AttributeType.INT, i: 1 },
        ]),
      );
      gap = `${at}.gap`;
      nodes.push(node(`${at}.gap_bool`, 'Cast', [`${at}.gap_f`], gap, castTo(DataType.BOOL)));
      nodes.push(node(`${at}.impute`, 'Where', [gap, `${at}.fill`, x], `${at}.value`));
    }
    pieces.push(`${at}.value`);
    if (s.indicator) {
      nodes.push(node(`${at}.indicator`, 'Cast', [gap], `${at}.missing`, castTo(DataType.FLOAT)));
      pieces.push(`${at}.missing`);
    }
  });
  nodes.push(node('pre.concat', 'Concat', pieces, FEATURES_NAME, [{ name: 'axis', type: AttributeType.INT, i: 1 }]));
  return { inputs, nodes, initializers, features: p.columns.reduce((n, s) => n + stepWidth(s), 0) };
}
