// An imported dataset on the wire: its typed arrays as base64 of their little-endian bytes (exact, and a quarter of
// the size of JSON numbers). Works in the page and in Node (atob/btoa are global in both).
import type { Dataset } from '../engine/types.ts';

export interface WireDataset {
  name: string;
  task: Dataset['task'];
  n: number;
  features: number;
  outputs: number;
  x: string;
  labels?: string;
  targets?: string;
  classLabels?: string[];
  featureNames?: string[];
}

/** Rows [offset, offset + rows) of an imported snapshot (loadImportedDatasetChunk), its typed arrays as base64. */
export interface WireDatasetChunk {
  hash: string;
  offset: number;
  rows: number;
  /** rows × features float32 */
  x: string;
  labels?: string;
  targets?: string;
}

// Globals of both the page and Node ≥ 16, declared here because this folder compiles without DOM or Node types.
declare function btoa(data: string): string;
declare function atob(data: string): string;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000; // String.fromCharCode takes at most a few tens of thousands of arguments
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const bytesOf = (a: Float32Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function toWireDataset(d: Dataset): WireDataset {
  return {
    name: d.name,
    task: d.task,
    n: d.n,
    features: d.features,
    outputs: d.outputs,
    x: toBase64(bytesOf(d.x)),
    ...(d.labels ? { labels: toBase64(bytesOf(d.labels)) } : {}),
    ...(d.targets ? { targets: toBase64(bytesOf(d.targets)) } : {}),
    ...(d.classLabels ? { classLabels: d.classLabels } : {}),
    ...(d.featureNames ? { featureNames: d.featureNames } : {}),
  };
}

export function fromWireDataset(w: WireDataset): Dataset {
  const d: Dataset = {
    name: w.name,
    task: w.task,
    n: w.n,
    features: w.features,
    outputs: w.outputs,
    x: new Float32Array(fromBase64(w.x).buffer),
  };
  if (w.labels !== undefined) d.labels = new Uint32Array(fromBase64(w.labels).buffer);
  if (w.targets !== undefined) d.targets = new Float32Array(fromBase64(w.targets).buffer);
  if (w.classLabels) d.classLabels = w.classLabels;
  if (w.featureNames) d.featureNames = w.featureNames;
  return d;
}

/** One typed array as base64 of its bytes (a streamed chunk's rows, api/store-dataset-chunks.ts). */
export const toWireBytes = (a: Float32Array | Uint32Array): string => toBase64(bytesOf(a));
/** Back to a typed array over a fresh buffer of its own (so it can be transferred to a worker). */
export const fromWireFloats = (text: string): Float32Array => new Float32Array(fromBase64(text).buffer);
export const fromWireUints = (text: string): Uint32Array => new Uint32Array(fromBase64(text).buffer);
