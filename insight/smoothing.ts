// Curve smoothing for the compare view, the three W&B offers: exponential moving average (TensorBoard's slider, with
// its start-up bias removed), Gaussian kernel, running average. Missing points (null, NaN: a diverged epoch) stay
// missing and are left out of their neighbours' averages.

export const SMOOTHING_KINDS = ['ema', 'gaussian', 'running'] as const;
export type SmoothingKind = (typeof SMOOTHING_KINDS)[number];

type Point = number | null;

const present = (v: Point): v is number => v !== null && Number.isFinite(v);

/** Debiased EMA: s_t = w·s_{t−1} + (1 − w)·v_t, divided by 1 − w^t so the first points are not pulled towards 0. */
export function ema(values: readonly Point[], weight: number): Point[] {
  let last = 0;
  let seen = 0;
  return values.map((v) => {
    if (!present(v)) return null;
    last = last * weight + (1 - weight) * v;
    seen++;
    const debias = 1 - weight ** seen;
    return debias > 0 ? last / debias : v;
  });
}

/** Gaussian-weighted mean of the points within 3σ (σ in epochs). */
export function gaussian(values: readonly Point[], sigma: number): Point[] {
  if (sigma <= 0) return values.map((v) => (present(v) ? v : null));
  const reach = Math.ceil(3 * sigma);
  return values.map((v, i) => {
    if (!present(v)) return null;
    let sum = 0;
    let weights = 0;
    for (let j = Math.max(0, i - reach); j <= Math.min(values.length - 1, i + reach); j++) {
      const u = values[j]!;
      if (!present(u)) continue;
      const w = Math.exp(-((i - j) ** 2) / (2 * sigma * sigma));
      sum += w * u;
      weights += w;
    }
    return sum / weights;
  });
}

/** Mean of the last `window` points up to and including this one (a trailing window, as W&B draws it). */
export function runningAverage(values: readonly Point[], window: number): Point[] {
  const w = Math.max(1, Math.round(window));
  return values.map((v, i) => {
    if (!present(v)) return null;
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - w + 1); j <= i; j++) {
      const u = values[j]!;
      if (present(u)) {
        sum += u;
        count++;
      }
    }
    return sum / count;
  });
}

/**
 * One slider for all three: strength 0 leaves the curve as it is, 1 is the strongest. EMA weight = 0.99·strength
 * (TensorBoard's range), Gaussian σ = 10·strength epochs, running window = 1 + 20·strength epochs.
 */
export function smooth(values: readonly Point[], kind: SmoothingKind, strength: number): Point[] {
  const s = Math.min(1, Math.max(0, strength));
  if (s === 0) return values.map((v) => (present(v) ? v : null));
  if (kind === 'ema') return ema(values, 0.99 * s);
  if (kind === 'gaussian') return gaussian(values, 10 * s);
  return runningAverage(values, 1 + 20 * s);
}
