// Widths at an equal parameter budget: each variant's count is recomputed here layer by layer, is the nearest any
// width reaches (checked against every width up to twice the answer), lies within ±5 %, and a budget a depth cannot
// meet is refused naming the depth.
import { describe, expect, it } from 'vitest';
import { BudgetError, equalBudgetWidths, mlpParams } from '../../engine/experiment/equal-budget.ts';

describe('equalBudgetWidths', () => {
  it('counts weights and biases layer by layer', () => {
    expect(mlpParams(2, [8], 3)).toBe(2 * 8 + 8 + 8 * 3 + 3);
    expect(mlpParams(784, [128], 10)).toBe(101_770);
    expect(mlpParams(2, [4, 4], 1)).toBe(12 + 20 + 5);
  });

  it('gives each depth 1–5 the nearest width to 2,000 parameters on spiral (2 inputs, 3 classes), within ±5 %', () => {
    const variants = equalBudgetWidths(2, 3, 2000, [1, 2, 3, 4, 5]);
    expect(variants.map((v) => v.depth)).toEqual([1, 2, 3, 4, 5]);
    for (const v of variants) {
      const count = mlpParams(2, Array(v.depth).fill(v.width), 3);
      expect(v.params).toBe(count);
      expect(Math.abs(count - 2000) / 2000).toBeLessThanOrEqual(0.05);
      for (let w = 1; w <= 2 * v.width; w++)
        expect(Math.abs(mlpParams(2, Array(v.depth).fill(w), 3) - 2000)).toBeGreaterThanOrEqual(Math.abs(count - 2000));
    }
    // Deeper means narrower at the same budget.
    expect(variants.map((v) => v.width)).toEqual([...variants.map((v) => v.width)].sort((a, b) => b - a));
    expect(variants[0]).toMatchObject({ width: 333, params: 2001 });
  });

  it('refuses a depth the budget cannot meet within the tolerance, naming it', () => {
    expect(() => equalBudgetWidths(784, 10, 500, [1])).toThrow(BudgetError);
    expect(() => equalBudgetWidths(784, 10, 500, [1])).toThrow(/^depth 1: the nearest width, 1, gives 805 parameters/);
    expect(() => equalBudgetWidths(2, 3, 0, [1])).toThrow(/budget: expected a positive integer/);
    expect(() => equalBudgetWidths(2, 3, 100, [0])).toThrow(/depth: expected an integer from 1 to 64, got 0/);
  });
});
