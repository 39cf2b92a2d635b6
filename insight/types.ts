// The insight views' results as plain data types, apart from the code that computes them, so the API contract can
// name them without pulling the engine into its type check.

export interface ConfusionMatrix {
  /** class names in index order */
  classes: string[];
  /** counts[t][p]: rows whose true class is t and predicted class is p */
  counts: number[][];
  total: number;
  accuracy: number;
  /** per class: correct / rows of that class (null when the class has no rows) */
  recall: (number | null)[];
  /** per class: correct / rows predicted as that class (null when nothing was) */
  precision: (number | null)[];
}

export interface DecisionGrid {
  resolution: number;
  /** the grid's extent in raw feature units: x is feature 0, y is feature 1 */
  x: [number, number];
  y: [number, number];
  /** per cell, row-major from (x.min, y.min), x fastest: the predicted class (classification) */
  predicted: number[];
  /** per cell: the predicted class's probability, or the regression output */
  value: number[];
  /** the points drawn over the grid: raw features and their labels (or first target) */
  points: { x: number; y: number; label: number }[];
}

export interface LayerGradCheck {
  layer: number;
  inputs: number;
  units: number;
  /** parameters compared, and how many the layer has */
  checked: number;
  parameters: number;
  /** max over the checked parameters of |a − n| / max(|a| + |n|, NOISE_FLOOR) */
  maxRelError: number;
  /** ‖a − n‖ / (‖a‖ + ‖n‖) over the checked parameters, as test/engine/gradcheck.test.ts measures it */
  relError: number;
  maxAbsDiff: number;
}

export type GradCheckVerdict = 'agree' | 'close' | 'disagree';

/** The loss a gradient check differentiates: the true-label loss, or a distilled student's mixed objective. */
export type GradCheckObjective =
  { kind: 'labels' } | { kind: 'distill'; loss: 'mimic-l2' | 'soft-ce'; temperature: number; alpha: number };

export interface GradientCheckResult {
  rows: number;
  epsilon: number;
  objective: GradCheckObjective;
  /** the mean objective over the rows at the checkpoint's weights */
  loss: number;
  layers: LayerGradCheck[];
  /** the largest maxRelError over the layers */
  worst: number;
  /** agree: ≤ AGREE; close: ≤ CLOSE (a step across ReLU's kink at 0 can do this); disagree: backprop is wrong */
  verdict: GradCheckVerdict;
}
