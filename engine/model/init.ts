// Seeded initial weights, the same for every backend: Xavier/Glorot uniform or He normal; biases zero.
import { resolveInit, type ExperimentConfig, type ResolvedHead } from '../config.ts';
import { Rng } from '../rng.ts';
import type { LayerWeights } from '../types.ts';
import { outputUnits } from './losses.ts';

/** Layer shapes of the network: hidden layers, then the output layer with the identity (the head comes after). */
export function layerShapes(
  config: ExperimentConfig,
  features: number,
  outputs: number,
  head: ResolvedHead,
): Omit<LayerWeights, 'W' | 'b'>[] {
  const shapes: Omit<LayerWeights, 'W' | 'b'>[] = [];
  let inputs = features;
  for (const layer of config.model.layers) {
    shapes.push({ inputs, units: layer.units, activation: layer.activation });
    inputs = layer.units;
  }
  shapes.push({ inputs, units: outputUnits(head, outputs), activation: 'identity' });
  return shapes;
}

export function initWeights(
  config: ExperimentConfig,
  features: number,
  outputs: number,
  head: ResolvedHead,
): LayerWeights[] {
  const rng = new Rng(config.seed ^ 0x1a17);
  return layerShapes(config, features, outputs, head).map((shape, l) => {
    // The output layer is initialised like the layer that feeds it would be by its own activation's rule;
    // for the output (identity) we use Xavier, which suits a linear map into a softmax/sigmoid/identity head.
    const activation = l < config.model.layers.length ? shape.activation : 'identity';
    const scheme =
      activation === 'identity' ? (config.model.init === 'he' ? 'he' : 'xavier') : resolveInit(config, activation);
    const W = new Float32Array(shape.inputs * shape.units);
    if (scheme === 'he') {
      const std = Math.sqrt(2 / shape.inputs);
      for (let i = 0; i < W.length; i++) W[i] = std * rng.normal();
    } else {
      const limit = Math.sqrt(6 / (shape.inputs + shape.units));
      for (let i = 0; i < W.length; i++) W[i] = rng.uniform(-limit, limit);
    }
    return { ...shape, W, b: new Float32Array(shape.units) };
  });
}
