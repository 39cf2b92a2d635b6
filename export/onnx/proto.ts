// The ONNX protobuf messages we write and read, via protobufjs reflection over the descriptor generated from
// onnx.proto (scripts/gen-onnx.mjs). Field names are protobufjs's camelCase of the schema's snake_case.
import protobuf from 'protobufjs/light.js';
import { OnnxError } from './errors.ts';
import { onnxDescriptor } from './onnx-descriptor.generated.ts';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7, STRINGS: 8 } as const;

export interface TensorMsg {
  name: string;
  dims: number[];
  dataType: number;
  /** little-endian IEEE 754 float32 values (what we write). */
  rawData?: Uint8Array;
  /** the alternative encoding other writers use. */
  floatData?: number[];
}

export interface AttributeMsg {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeMsg {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute?: AttributeMsg[];
  domain?: string;
}

export interface DimMsg {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoMsg {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimMsg[] } } };
  docString?: string;
}

export interface GraphMsg {
  name: string;
  node: NodeMsg[];
  initializer: TensorMsg[];
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
  docString?: string;
}

export interface ModelMsg {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  producerName: string;
  producerVersion: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: GraphMsg;
  metadataProps: { key: string; value: string }[];
}

const ModelProto = protobuf.Root.fromJSON(onnxDescriptor).lookupType('onnx.ModelProto');

export function encodeModel(model: ModelMsg): Uint8Array {
  const message = ModelProto.fromObject(model);
  // Copy: under Node, finish() may return a view into a shared Buffer pool.
  return new Uint8Array(ModelProto.encode(message).finish());
}

/** Decodes a ModelProto; `source` names the file in the error. Unknown fields (other writers') are skipped. */
export function decodeModel(bytes: Uint8Array, source: string): ModelMsg {
  let decoded: protobuf.Message;
  try {
    decoded = ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxError(
      'not_onnx',
      `${source} is not an ONNX model (protobuf decoding failed: ${(e as Error).message})`,
    );
  }
  const m = ModelProto.toObject(decoded, { longs: Number, arrays: true, defaults: true }) as ModelMsg;
  if (!m.irVersion || !m.graph)
    throw new OnnxError('not_onnx', `${source} is not an ONNX model (no ir_version or graph)`);
  return m;
}

/** A float32 initializer; the values go in raw_data, little-endian whatever the host's byte order. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorMsg {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dims, dataType: DataType.FLOAT, rawData: raw };
}

/** An int64 initializer, raw_data little-endian. */
export function int64Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorMsg {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return { name, dims, dataType: DataType.INT64, rawData: raw };
}

/** The values of a float32 tensor from either encoding. */
export function tensorFloats(t: TensorMsg): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float32Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  return Float32Array.from(t.floatData ?? []);
}
