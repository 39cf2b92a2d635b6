// A ModelSnapshot as one JSON description plus one float32 BLOB.
// BLOB layout: for each layer W (inputs × units, row-major) then b (units); then, with standardisation, mean then
// std (features each). Float32 in the platform's byte order, little-endian on every platform Node and Electron ship.
import type { ModelSnapshot } from '../engine/types.ts';

export interface SnapshotModel {
  task: ModelSnapshot['task'];
  head: ModelSnapshot['head'];
  loss: ModelSnapshot['loss'];
  layers: { inputs: number; units: number; activation: ModelSnapshot['layers'][number]['activation'] }[];
  /** features standardised, or null when the run did not standardise. */
  standardize: { features: number } | null;
  classLabels?: string[];
  featureNames?: string[];
}

export function encodeSnapshot(s: ModelSnapshot): { model: SnapshotModel; weights: Buffer } {
  const parts: Float32Array[] = [];
  for (const l of s.layers) parts.push(l.W, l.b);
  if (s.standardize) parts.push(s.standardize.mean, s.standardize.std);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const model: SnapshotModel = {
    task: s.task,
    head: s.head,
    loss: s.loss,
    layers: s.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation })),
    standardize: s.standardize ? { features: s.standardize.mean.length } : null,
  };
  if (s.classLabels) model.classLabels = s.classLabels;
  if (s.featureNames) model.featureNames = s.featureNames;
  return { model, weights: Buffer.from(all.buffer, all.byteOffset, all.byteLength) };
}

export function decodeSnapshot(model: SnapshotModel, weights: Uint8Array): ModelSnapshot {
  // Copy: the Buffer SQLite hands back may not be 4-byte aligned.
  const all = new Float32Array(weights.byteLength / 4);
  new Uint8Array(all.buffer).set(weights);
  let at = 0;
  const take = (n: number) => {
    const part = all.slice(at, at + n);
    if (part.length !== n) throw new Error(`checkpoint weights too short: need ${at + n} floats, have ${all.length}`);
    at += n;
    return part;
  };
  const layers = model.layers.map((l) => ({ ...l, W: take(l.inputs * l.units), b: take(l.units) }));
  const standardize = model.standardize
    ? { mean: take(model.standardize.features), std: take(model.standardize.features) }
    : null;
  const snapshot: ModelSnapshot = { task: model.task, head: model.head, loss: model.loss, layers, standardize };
  if (model.classLabels) snapshot.classLabels = model.classLabels;
  if (model.featureNames) snapshot.featureNames = model.featureNames;
  return snapshot;
}
