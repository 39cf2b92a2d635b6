// Every unit's activation over the input plane of a two-feature network, TensorFlow Playground's thumbnails: one
// forward pass over an N×N grid of raw feature values (the decision boundary's gridAxis), keeping each layer's
// outputs instead of only the head's. Hidden units give f(z); the output layer gives the head (softmax, sigmoid or
// identity), so an output thumbnail is its class probability. Pure and small: the renderer runs it on every live
// checkpoint (24 × 24 cells through a spiral net is well under a millisecond of arithmetic).
import { activate, sigmoid } from '../engine/model/activations.ts';
import { expandRows, transformsOf } from '../engine/data/transforms.ts';
import type { ModelSnapshot } from '../engine/types.ts';
import { gridAxis } from './decision-boundary.ts';

/** Thumbnail cells per side: 576 forward passes, sharp enough at 24–48 px. */
export const THUMBNAIL_RESOLUTION = 24;

export interface LayerActivations {
  units: number;
  /** units × cells, unit-major (unit u's cells at u·cells…); cells row-major from (x.min, y.min), x fastest */
  values: Float32Array;
  /** per unit, over the grid */
  min: number[];
  max: number[];
}

export interface UnitActivations {
  resolution: number;
  /** the grid's cell centres span these raw feature ranges: x is feature 0, y is feature 1 */
  x: [number, number];
  y: [number, number];
  /** hidden layers, then the output layer (after the head) */
  layers: LayerActivations[];
}

/** Each layer's outputs at every cell centre of a resolution² grid over x × y (raw features, standardised as trained). */
export function unitActivations(
  snapshot: ModelSnapshot,
  x: [number, number],
  y: [number, number],
  resolution = THUMBNAIL_RESOLUTION,
): UnitActivations {
  const first = snapshot.layers[0]!;
  // Two raw features, plus the columns of any feature transforms (dataset.transforms) computed from them.
  const transforms = transformsOf(snapshot.featureNames, first.inputs);
  if (!transforms)
    throw new Error(`unit activations over the input plane need 2 input features (this model has ${first.inputs})`);
  const xs = gridAxis(x[0], x[1], resolution);
  const ys = gridAxis(y[0], y[1], resolution);
  const cells = resolution * resolution;
  const last = snapshot.layers.length - 1;
  const layers: LayerActivations[] = snapshot.layers.map((l) => ({
    units: l.units,
    values: new Float32Array(l.units * cells),
    min: new Array<number>(l.units).fill(Infinity),
    max: new Array<number>(l.units).fill(-Infinity),
  }));
  const widest = Math.max(first.inputs, ...snapshot.layers.map((l) => l.units));
  let input = new Float64Array(widest);
  let output = new Float64Array(widest);
  const s = snapshot.standardize;
  for (let r = 0; r < resolution; r++)
    for (let c = 0; c < resolution; c++) {
      const cell = r * resolution + c;
      const raw = transforms.length ? expandRows([xs[c]!, ys[r]!], 1, transforms) : [xs[c]!, ys[r]!];
      for (let k = 0; k < first.inputs; k++) input[k] = s ? (raw[k]! - s.mean[k]!) / s.std[k]! : raw[k]!;
      snapshot.layers.forEach((layer, l) => {
        // z_j = b_j + Σ_k a_k·W[k, j]; W is inputs × units, row-major
        for (let j = 0; j < layer.units; j++) {
          let z = layer.b[j]!;
          for (let k = 0; k < layer.inputs; k++) z += input[k]! * layer.W[k * layer.units + j]!;
          output[j] = activate(layer.activation, z); // the output layer's is the identity
        }
        if (l === last) applyHead(snapshot.head, output, layer.units);
        const out = layers[l]!;
        for (let j = 0; j < layer.units; j++) {
          const v = output[j]!;
          out.values[j * cells + cell] = v;
          if (v < out.min[j]!) out.min[j] = v;
          if (v > out.max[j]!) out.max[j] = v;
        }
        [input, output] = [output, input];
      });
    }
  return { resolution, x, y, layers };
}

/** The head over the output layer's pre-activations, in place (softmax shifted by its max, as the engine does). */
function applyHead(head: ModelSnapshot['head'], z: Float64Array, units: number): void {
  if (head === 'sigmoid') for (let j = 0; j < units; j++) z[j] = sigmoid(z[j]!);
  if (head !== 'softmax') return;
  let max = -Infinity;
  for (let j = 0; j < units; j++) max = Math.max(max, z[j]!);
  let sum = 0;
  for (let j = 0; j < units; j++) sum += z[j] = Math.exp(z[j]! - max);
  for (let j = 0; j < units; j++) z[j]! /= sum;
}

export interface UnitContributions {
  /** the sample points along the one raw feature */
  x: Float64Array;
  /** the network's output 0 at each x (what the fitted curve draws) */
  fit: Float64Array;
  /** the last hidden layer's units, in index order: unit j's w_j·h_j(x) into output 0 (the fit is bias + their sum) */
  contributions: Float64Array[];
  /** the output layer's bias for output 0 */
  bias: number;
}

/** The universal-approximation picture of a 1-feature network: its fit along x as the output bias plus each last
 *  hidden unit's weighted activation w_j·h_j(x) (exact for the identity head a regression has). */
export function unitContributions(snapshot: ModelSnapshot, range: [number, number], samples = 200): UnitContributions {
  const first = snapshot.layers[0]!;
  if (first.inputs !== 1)
    throw new Error(`unit contributions along x need 1 input feature (this model has ${first.inputs})`);
  const out = snapshot.layers.at(-1)!;
  const hidden = snapshot.layers.length - 1;
  const x = Float64Array.from(gridAxis(range[0], range[1], samples));
  const fit = new Float64Array(samples);
  const contributions = Array.from({ length: hidden > 0 ? out.inputs : 0 }, () => new Float64Array(samples));
  const widest = Math.max(1, ...snapshot.layers.map((l) => l.units));
  const s = snapshot.standardize;
  for (let i = 0; i < samples; i++) {
    let input = new Float64Array(widest);
    let output = new Float64Array(widest);
    input[0] = s ? (x[i]! - s.mean[0]!) / s.std[0]! : x[i]!;
    snapshot.layers.forEach((layer, l) => {
      if (l === hidden)
        for (let k = 0; k < contributions.length; k++) contributions[k]![i] = input[k]! * layer.W[k * layer.units]!;
      for (let j = 0; j < layer.units; j++) {
        let z = layer.b[j]!;
        for (let k = 0; k < layer.inputs; k++) z += input[k]! * layer.W[k * layer.units + j]!;
        output[j] = activate(layer.activation, z);
      }
      if (l === hidden) applyHead(snapshot.head, output, layer.units);
      [input, output] = [output, input];
    });
    fit[i] = input[0]!;
  }
  return { x, fit, contributions, bias: out.b[0]! };
}
