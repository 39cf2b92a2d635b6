// The clear errors: bytes that are not ONNX, an ONNX model that is not one of our MLPs (another producer, or our
// producer name on a different graph), an unwritable path, rows of the wrong width, a verification mismatch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttributeType,
  DataType,
  decodeModel,
  encodeModel,
  floatTensor,
  type ModelMsg,
} from '../../export/onnx/proto.ts';
import {
  buildOnnxModel,
  OnnxError,
  predictWithOnnx,
  readOnnxModel,
  runOnnx,
  verifyOnnxModel,
  writeOnnxFile,
} from '../../export/onnx/node/index.ts';
import { trainTiny, type TinyRun } from './train-tiny.ts';

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: string, text: RegExp): Promise<OnnxError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(OnnxError);
  expect((caught as OnnxError).code).toBe(code);
  expect((caught as OnnxError).message).toMatch(text);
  return caught as OnnxError;
}

/** A valid ONNX model from "another tool": y = relu(x·W), the kind torch.onnx writes. */
function foreignModel(): Uint8Array {
  const io = (name: string) => ({
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } },
  });
  const model: ModelMsg = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'pytorch',
    producerVersion: '2.4.0',
    graph: {
      name: 'torch_jit',
      node: [
        { name: '/fc/MatMul', opType: 'MatMul', input: ['input', 'fc.weight'], output: ['h'] },
        { name: '/act/Relu', opType: 'Relu', input: ['h'], output: ['output'] },
      ],
      initializer: [floatTensor('fc.weight', [2, 2], [1, -1, 2, 0.5])],
      input: [io('input')],
      output: [io('output')],
    },
    metadataProps: [],
  };
  return encodeModel(model);
}

let run: TinyRun;
let ours: Uint8Array;
beforeAll(async () => {
  run = await trainTiny({
    dataset: { name: 'xor', samples: 100 },
    model: { layers: [{ units: 4, activation: 'relu' }] },
  });
  ours = buildOnnxModel(run.result.final, { ...run.meta, producerVersion: '0.0.0' });
});

describe('reading files that are not ours', () => {
  it('rejects bytes that are not an ONNX model', async () => {
    const csv = new TextEncoder().encode('x1,x2\n0.5,1.5\n');
    await rejectsWith(() => readOnnxModel(csv, 'rows.csv'), 'not_onnx', /rows\.csv is not an ONNX model/);
    await rejectsWith(
      () => readOnnxModel(new Uint8Array(0), 'empty.onnx'),
      'not_onnx',
      /empty\.onnx is not an ONNX model/,
    );
  });

  it('rejects a valid ONNX model from another producer', async () => {
    const bytes = foreignModel();
    const ran = await runOnnx(bytes, Float32Array.of(1, 2), 1); // onnxruntime accepts it: it is real ONNX
    expect(Array.from(ran.values)).toEqual([5, 0]);
    await rejectsWith(
      () => readOnnxModel(bytes, 'resnet.onnx'),
      'not_ours',
      /resnet\.onnx .*not an MLP exported by MLP Workbench.*"pytorch" 2\.4\.0/,
    );
    await rejectsWith(predictWithOnnx(bytes, Float32Array.of(1, 2), 1, 'resnet.onnx'), 'not_ours', /pytorch/);
  });

  it('rejects our producer name on a graph we did not write', async () => {
    const changedOp = decodeModel(ours, 'test');
    changedOp.graph.node.find((n) => n.name === 'layer1.relu')!.opType = 'Sigmoid';
    await rejectsWith(
      () => readOnnxModel(encodeModel(changedOp), 'edited.onnx'),
      'not_ours',
      /node 3 is "layer1\.relu" \(Sigmoid\), expected "layer1\.relu" \(Relu\)/,
    );

    const extraNode = decodeModel(ours, 'test');
    extraNode.graph.node.push({ name: 'post.abs', opType: 'Abs', input: ['probabilities'], output: ['abs'] });
    await rejectsWith(() => readOnnxModel(encodeModel(extraNode), 'edited.onnx'), 'not_ours', /node 6 is "post\.abs"/);

    const changedAlpha = decodeModel(
      buildOnnxModel(
        {
          ...run.result.final,
          layers: run.result.final.layers.map((l, i) => (i === 0 ? { ...l, activation: 'leaky_relu' } : l)),
        },
        { ...run.meta, producerVersion: '0' },
      ),
      'test',
    );
    changedAlpha.graph.node.find((n) => n.opType === 'LeakyRelu')!.attribute = [
      { name: 'alpha', type: AttributeType.FLOAT, f: 0.2 },
    ];
    await rejectsWith(() => readOnnxModel(encodeModel(changedAlpha), 'edited.onnx'), 'not_ours', /layer1\.leaky_relu/);

    const noFormat = decodeModel(ours, 'test');
    noFormat.metadataProps = noFormat.metadataProps.filter((p) => p.key !== 'mlpw.format');
    await rejectsWith(() => readOnnxModel(encodeModel(noFormat), 'old.onnx'), 'not_ours', /format version is null/);
  });
});

describe('export errors', () => {
  it('names the path and the reason when the file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpw-onnx-'));
    const missing = join(dir, 'no-such-folder', 'model.onnx');
    await rejectsWith(
      writeOnnxFile(missing, ours),
      'write_failed',
      /cannot write .*no-such-folder\/model\.onnx: its folder does not exist \(ENOENT\)/,
    );
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await rejectsWith(
      writeOnnxFile(join(file, 'model.onnx'), ours),
      'write_failed',
      /a part of the path is not a folder \(ENOTDIR\)/,
    );
    await rejectsWith(writeOnnxFile(dir, ours), 'write_failed', /it is a folder \(EISDIR\)/);
  });

  it('fails verification when onnxruntime and the engine disagree', async () => {
    const x = Float32Array.of(0.5, -0.5, 1, 1);
    const { values } = await runOnnx(ours, x, 2);
    const off = values.map((v, i) => (i === 3 ? v + 1e-3 : v));
    const err = await rejectsWith(
      verifyOnnxModel(ours, x, 2, off),
      'verification_failed',
      /max \|difference\| 1\.00e-3 > 0\.00001 \(row 1, output 1/,
    );
    expect(err.details).toMatchObject({ samples: 2, ortVersion: '1.30.0' });
    expect(await verifyOnnxModel(ours, x, 2, values)).toMatchObject({ maxAbsDiff: 0, samples: 2 });
  });

  it('rejects rows of the wrong width and activations it cannot express', async () => {
    await rejectsWith(
      predictWithOnnx(ours, Float32Array.of(1, 2, 3), 1),
      'bad_input',
      /takes 2 features per row; got 3 values for 1 rows/,
    );
    const odd = {
      ...run.result.final,
      layers: run.result.final.layers.map((l) => ({ ...l, activation: 'swish' as never })),
    };
    await rejectsWith(
      () => buildOnnxModel(odd, { ...run.meta, producerVersion: '0' }),
      'unsupported',
      /activation "swish"/,
    );
  });
});
