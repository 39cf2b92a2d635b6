// Input feature transforms for the built-in 2-D sets (TensorFlow Playground's x₁², x₂², x₁x₂, sin x₁, sin x₂): each
// chosen one appends a column computed from the raw x₁, x₂ when the dataset is generated (loadBuiltinDataset), so
// training, the CLI, Insight, export verification and predict all see the same 2 + k features, named as below.
import { ConfigError, FEATURE_TRANSFORMS, type FeatureTransform } from '../config.ts';
import type { Dataset } from '../types.ts';

export { FEATURE_TRANSFORMS, type FeatureTransform };

/** How the Designer and the network view label each (the config and the feature names use the ASCII form). */
export const TRANSFORM_LABELS: Record<FeatureTransform, string> = {
  'x1^2': 'x₁²',
  'x2^2': 'x₂²',
  'x1*x2': 'x₁x₂',
  'sin(x1)': 'sin x₁',
  'sin(x2)': 'sin x₂',
};

const APPLY: Record<FeatureTransform, (a: number, b: number) => number> = {
  'x1^2': (a) => a * a,
  'x2^2': (_, b) => b * b,
  'x1*x2': (a, b) => a * b,
  'sin(x1)': (a) => Math.sin(a),
  'sin(x2)': (_, b) => Math.sin(b),
};

/** n raw rows of (x₁, x₂) to n rows of (x₁, x₂, t₁(x), …, t_k(x)), in the order the transforms are listed. */
export function expandRows(x: ArrayLike<number>, n: number, transforms: readonly FeatureTransform[]): Float32Array {
  const width = 2 + transforms.length;
  const out = new Float32Array(n * width);
  const fns = transforms.map((t) => APPLY[t]);
  for (let i = 0; i < n; i++) {
    const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
    out[i * width] = a;
    out[i * width + 1] = b;
    for (let k = 0; k < fns.length; k++) out[i * width + 2 + k] = fns[k]!(a, b);
  }
  return out;
}

/** The dataset with the transforms' columns appended (the dataset itself when there are none). */
export function applyTransforms(d: Dataset, transforms: readonly FeatureTransform[] | undefined): Dataset {
  if (!transforms?.length) return d;
  if (d.features !== 2)
    throw new ConfigError(
      `dataset.transforms: feature transforms are for the 2-feature built-in sets; "${d.name}" has ${d.features} features`,
      'dataset.transforms',
      transforms,
    );
  return {
    ...d,
    features: 2 + transforms.length,
    x: expandRows(d.x, d.n, transforms),
    featureNames: [...(d.featureNames ?? ['x1', 'x2']), ...transforms],
  };
}

/** The transforms a model's inputs were built with, read back from its feature names (x1, x2, then transforms
 *  only); null when its inputs are not two raw features plus transforms. A plain 2-feature model gives []. */
export function transformsOf(featureNames: readonly string[] | undefined, inputs: number): FeatureTransform[] | null {
  if (inputs === 2) return [];
  if (!featureNames || featureNames.length !== inputs || inputs < 2) return null;
  const rest = featureNames.slice(2);
  return rest.every((n): n is FeatureTransform => (FEATURE_TRANSFORMS as readonly string[]).includes(n)) ? rest : null;
}
