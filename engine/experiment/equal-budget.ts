// The lecture's study of depth against width at an equal parameter budget: for each depth, the one width whose
// network (inputs → width × depth → outputs, weights and biases) comes nearest the budget, and how far off it is.
// A depth the budget cannot meet within the tolerance is an error that names it, before anything trains.

export class BudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** Weights and biases of a dense network with the given hidden widths. */
export function mlpParams(inputs: number, hidden: readonly number[], outputs: number): number {
  const widths = [inputs, ...hidden, outputs];
  let n = 0;
  for (let i = 1; i < widths.length; i++) n += widths[i - 1]! * widths[i]! + widths[i]!;
  return n;
}

export interface BudgetVariant {
  depth: number;
  width: number;
  params: number;
  /** (params − budget) / budget */
  deviation: number;
}

/**
 * For each depth d ≥ 1, the width w ≥ 1 whose parameter count (d−1)·w² + (inputs + d + outputs)·w + outputs is
 * nearest the budget (ties to the smaller), within ±tolerance of it.
 */
export function equalBudgetWidths(
  inputs: number,
  outputs: number,
  budget: number,
  depths: readonly number[],
  tolerance = 0.05,
): BudgetVariant[] {
  if (!Number.isInteger(budget) || budget < 1)
    throw new BudgetError(`budget: expected a positive integer, got ${budget}`);
  return depths.map((depth) => {
    if (!Number.isInteger(depth) || depth < 1 || depth > 64)
      throw new BudgetError(`depth: expected an integer from 1 to 64, got ${depth}`);
    const a = depth - 1;
    const b = inputs + depth + outputs;
    const c = outputs - budget;
    const real = a === 0 ? -c / b : (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
    let best: BudgetVariant | null = null;
    for (const w of [Math.floor(real), Math.ceil(real)]) {
      if (w < 1) continue;
      const params = mlpParams(inputs, Array(depth).fill(w) as number[], outputs);
      const v = { depth, width: w, params, deviation: (params - budget) / budget };
      if (!best || Math.abs(v.deviation) < Math.abs(best.deviation)) best = v;
    }
    best ??= {
      depth,
      width: 1,
      params: mlpParams(inputs, Array(depth).fill(1) as number[], outputs),
      deviation: 0,
    };
    best.deviation = (best.params - budget) / budget;
    if (Math.abs(best.deviation) > tolerance)
      throw new BudgetError(
        `depth ${depth}: the nearest width, ${best.width}, gives ${best.params} parameters, ` +
          `${(Math.abs(best.deviation) * 100).toFixed(1)} % from the budget of ${budget} (allowed ±${tolerance * 100} %); ` +
          'choose another budget or other depths',
      );
    return best;
  });
}
