// The front of the graph of a run on a built-in 2-D set with input feature transforms (engine/data/transforms.ts):
// the graph takes the raw x1, x2 as `input` [batch, 2] and computes each transform with standard opset-13 ops, in the
// config's order, so the MLP part sees the same 2 + k columns as training did:
//
//   input ─ Gather(axis 1, [0]) → transforms.x1 [batch, 1];  Gather(axis 1, [1]) → transforms.x2
//   x1^2: Mul(x1, x1)   x2^2: Mul(x2, x2)   x1*x2: Mul(x1, x2)   sin(x1): Sin(x1)   sin(x2): Sin(x2)  → transforms.t{k}
//   Concat(axis 1) of input and t0…t(k−1) → transforms.features [batch, 2 + k], which standardisation then takes
//
// A product of two float32 values rounded to float32 is what the engine stores (its double product is exact), so
// the Mul columns agree bit for bit; Sin may differ from Math.sin by an ulp, well inside the verification tolerance.
import type { FeatureTransform } from '../../engine/data/transforms.ts';
import { AttributeType, int64Tensor, type NodeMsg, type TensorMsg } from './proto.ts';

export const TRANSFORMED_NAME = 'transforms.features';

const OPS: Record<FeatureTransform, { opType: 'Mul' | 'Sin'; input: ('x1' | 'x2')[] }> = {
  'x1^2': { opType: 'Mul', input: ['x1', 'x1'] },
  'x2^2': { opType: 'Mul', input: ['x2', 'x2'] },
  'x1*x2': { opType: 'Mul', input: ['x1', 'x2'] },
  'sin(x1)': { opType: 'Sin', input: ['x1'] },
  'sin(x2)': { opType: 'Sin', input: ['x2'] },
};

export interface TransformGraph {
  nodes: NodeMsg[];
  initializers: TensorMsg[];
  /** the transformed width: 2 + transforms.length */
  features: number;
}

/** The nodes taking `input` [batch, 2] to `transforms.features` [batch, 2 + k]. */
export function transformGraph(input: string, transforms: readonly FeatureTransform[]): TransformGraph {
  const axis1 = [{ name: 'axis', type: AttributeType.INT, i: 1 }];
  const initializers = [int64Tensor('transforms.index_x1', [1], [0]), int64Tensor('transforms.index_x2', [1], [1])];
  const nodes: NodeMsg[] = (['x1', 'x2'] as const).map((x) => ({
    name: `transforms.gather_${x}`,
    opType: 'Gather',
    input: [input, `transforms.index_${x}`],
    output: [`transforms.${x}`],
    attribute: axis1,
  }));
  const pieces = transforms.map((t, k) => {
    const { opType, input: args } = OPS[t];
    const out = `transforms.t${k}`;
    nodes.push({
      name: `transforms.${k}.${opType.toLowerCase()}`,
      opType,
      input: args.map((a) => `transforms.${a}`),
      output: [out],
    });
    return out;
  });
  nodes.push({
    name: 'transforms.concat',
    opType: 'Concat',
    input: [input, ...pieces],
    output: [TRANSFORMED_NAME],
    attribute: axis1,
  });
  return { nodes, initializers, features: 2 + transforms.length };
}
