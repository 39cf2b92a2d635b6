// The loss surface's result as plain JSON-safe data (the artifact the store keeps, the API's answer), apart from the
// code that computes it, so the API contract names it without pulling the engine into its type check.

/** What a surface was computed with; two requests with equal options share one stored artifact. */
export interface LossSurfaceOptions {
  /** points per side of the plane's grid (odd, so the final weights sit on the centre point) */
  grid: number;
  /** the plane spans [-range, range] along each filter-normalised direction (1 = one weight norm per unit) */
  range: number;
  /** seed of the two random directions */
  seed: number;
  /** the line's α from lineFrom to lineTo (0 = initial weights, 1 = final), in linePoints steps */
  lineFrom: number;
  lineTo: number;
  linePoints: number;
  /** random: Li et al.'s two random filter-normalised directions; trajectory: the principal directions of the
   *  stored weights' offsets from the final ones (Li et al. §7), so the path lies in the plane */
  plane: 'random' | 'trajectory';
}

/** One stored weight vector the trajectory passes through, projected onto the plane. */
export interface TrajectoryPoint {
  /** 0 for the initial weights */
  epoch: number;
  label: 'initial' | 'best' | 'final' | 'snapshot';
  /** coordinates along the plane's two directions (least squares) */
  x: number;
  y: number;
  /** how much of the point's offset from the final weights the plane holds: ‖projection‖ / ‖offset‖ (1 at the origin) */
  captured: number;
}

export interface LossSurface {
  version: 1;
  runId: string;
  options: LossSurfaceOptions;
  /** which backend evaluated the losses (the run's CPU backend: 'wasm-simd' or 'js') */
  kernels: string;
  /** rows evaluated per point; val 0 for a run without a validation split */
  rows: { train: number; val: number };
  /** Goodfellow et al. 2015: θ(α) = θ₀ + α (θ₁ − θ₀), the losses along it (null where not finite) */
  line: {
    alpha: number[];
    train: (number | null)[];
    val: (number | null)[] | null;
    /** ‖θ₁ − θ₀‖₂ over every weight and bias */
    distance: number;
    initialEpoch: 0;
    finalEpoch: number;
  };
  /** Li et al. 2018: θ* + a·δ + b·η, δ and η random, filter-normalised; train/val row-major (row = b, column = a) */
  plane: {
    axis: number[];
    train: (number | null)[];
    val: (number | null)[] | null;
    /** random: filter normalisation (each unit's incoming weights, a column of W, scaled to that unit's norm; biases
     *  0); trajectory: orthogonal principal directions, each as long as the longest offset θᵢ − θ* */
    normalisation: 'filter, biases zero' | 'principal, longest offset';
    /** cosine between δ and η (random directions in many dimensions are nearly orthogonal) */
    cosine: number;
    trajectory: TrajectoryPoint[];
    /** where the trajectory comes from: the stored checkpoints only, or per-epoch snapshots too */
    trajectorySource: 'checkpoints' | 'snapshots';
  };
  /** the losses at the final weights (the plane's centre, α = 1) */
  origin: { train: number; val: number | null };
  evaluations: number;
  durationMs: number;
  createdAt: number;
}
