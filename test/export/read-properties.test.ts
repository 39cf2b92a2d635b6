// Property tests of the ONNX reader: mutated bytes of a model exported here (byte flips, cuts, insertions, and
// edits of the decoded message: dims, names, metadata) either read or fail with OnnxError, never another exception.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxModel } from '../../export/onnx/build.ts';
import { OnnxError } from '../../export/onnx/errors.ts';
import { decodeModel, encodeModel, type ModelMsg } from '../../export/onnx/proto.ts';
import { readOnnxModel } from '../../export/onnx/read.ts';
import { trainTiny } from './train-tiny.ts';

let model: Uint8Array;
beforeAll(async () => {
  const run = await trainTiny({
    dataset: { name: 'xor', samples: 100 },
    epochs: 2,
    model: { layers: [{ units: 3, activation: 'tanh' }] },
  });
  model = buildOnnxModel(run.result.final, { ...run.meta, producerVersion: '0.0.0' });
});

function readsOrRefuses(bytes: Uint8Array) {
  try {
    const info = readOnnxModel(bytes, 'm.onnx');
    expect(info.snapshot.layers.length).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof OnnxError)) throw e;
    expect(['not_onnx', 'not_ours']).toContain(e.code);
    expect(e.message.length).toBeLessThan(600);
  }
}

describe('ONNX reader: properties', () => {
  it('reads the model it is given unmutated', () => {
    expect(readOnnxModel(model, 'm.onnx').snapshot.layers).toHaveLength(2);
  });

  it('mutated bytes read or fail with OnnxError', () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'cut', 'insert', 'truncate'),
      byte: fc.nat({ max: 255 }),
      n: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let b = Uint8Array.from(model);
        for (const e of edits) {
          const at = e.at % b.length;
          if (e.kind === 'set') b[at] = e.byte;
          else if (e.kind === 'cut') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + e.n)]);
          else if (e.kind === 'insert')
            b = Uint8Array.from([...b.subarray(0, at), ...Array(e.n).fill(e.byte), ...b.subarray(at)]);
          else b = b.subarray(0, at);
        }
        readsOrRefuses(b);
      }),
      { numRuns: 300 },
    );
  });

  it('edited messages (dims, names, node order, metadata) read or fail with OnnxError', () => {
    const huge = fc.constantFrom(0, 1, 2, 3, -1, 2 ** 31, 2 ** 53);
    fc.assert(
      fc.property(
        fc.record({
          tensor: fc.nat(),
          dims: fc.array(huge, { maxLength: 3 }),
          node: fc.nat(),
          name: fc.constantFrom('', 'layer1.gemm', 'layer9.relu', 'head.softmax', 'x'.repeat(1000)),
          meta: fc.nat(),
          value: fc.constantFrom('', 'null', '[1', '{"a":1}', '"x"'),
        }),
        ({ tensor, dims, node, name, meta, value }) => {
          const m: ModelMsg = decodeModel(model, 'm.onnx');
          const inits = m.graph.initializer;
          inits[tensor % inits.length]!.dims = dims;
          const nodes = m.graph.node;
          nodes[node % nodes.length]!.name = name;
          const props = m.metadataProps;
          if (props.length > 0) props[meta % props.length]!.value = value;
          readsOrRefuses(encodeModel(m));
        },
      ),
      { numRuns: 200 },
    );
  });
});
