// What Insight's misclassified gallery receives (insight/misclassified.ts computes it), in a file of its own so the
// API contract (api/, no DOM and no Node) names the type without importing the engine.
export interface MisclassifiedRow {
  /** the row's index in the split */
  row: number;
  predicted: number;
  actual: number;
  /** the head's probability of the predicted class */
  confidence: number;
  /** the row's raw features (its pixels) */
  pixels: number[];
}

export interface Misclassified {
  classes: string[];
  /** rows checked, and how many were wrong (all of them, not only those returned) */
  total: number;
  wrong: number;
  rows: MisclassifiedRow[];
}
