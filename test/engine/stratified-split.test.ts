// The held-out splits: stratified by class (the default) or by target quantiles, every split within one row of each
// class's share, seeded and deterministic, the unstratified split exactly the one runs had before `stratify` existed.
import { describe, expect, it } from 'vitest';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { parseConfig } from '../../engine/config.ts';
import { apportion, splitRows } from '../../engine/data/split.ts';
import { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../../engine/types.ts';

/** An imbalanced three-class table: 70 / 25 / 8 rows, in class order (the worst case for an unstratified cut). */
function imbalanced(): Dataset {
  const counts = [70, 25, 8];
  const labels = Uint32Array.from(counts.flatMap((c, k) => new Array<number>(c).fill(k)));
  const n = labels.length;
  return {
    name: 'imbalanced',
    task: 'classification',
    n,
    features: 1,
    x: Float32Array.from(labels, (l, i) => l + i / n),
    labels,
    outputs: 3,
    classLabels: ['a', 'b', 'c'],
  };
}

function classCounts(d: Dataset, rows: Uint32Array): number[] {
  const counts = new Array<number>(d.outputs).fill(0);
  for (const r of rows) counts[d.labels![r]!]!++;
  return counts;
}

describe('stratified split', () => {
  it('keeps every class within one row of its share in the test, validation and training splits', () => {
    const d = imbalanced();
    const total = classCounts(
      d,
      Uint32Array.from({ length: d.n }, (_, i) => i),
    );
    for (const [testSplit, validationSplit] of [
      [0, 0.2],
      [0.2, 0.2],
      [0.15, 0.3],
      [0.33, 0.1],
    ] as const)
      for (const seed of [1, 2, 3, 99]) {
        const rows = splitRows(d, validationSplit, seed, { testSplit, stratify: 'auto' });
        expect(rows.train.length + rows.val.length + rows.test.length).toBe(d.n);
        expect(new Set([...rows.train, ...rows.val, ...rows.test]).size).toBe(d.n);
        for (const split of [rows.train, rows.val, rows.test]) {
          const counts = classCounts(d, split);
          counts.forEach((c, k) => expect(Math.abs(c - (total[k]! * split.length) / d.n)).toBeLessThanOrEqual(1));
        }
      }
  });

  it('is the default of a parsed config, recorded in it, and deterministic for a seed', () => {
    expect(parseConfig({}).stratify).toBe('auto');
    const d = imbalanced();
    const a = splitRows(d, 0.2, 7, { testSplit: 0.1 });
    const b = splitRows(d, 0.2, 7, { testSplit: 0.1 });
    expect([...a.val]).toEqual([...b.val]);
    expect([...a.test]).toEqual([...b.test]);
    expect([...splitRows(d, 0.2, 8, { testSplit: 0.1 }).val]).not.toEqual([...a.val]);
  });

  it("with stratify 'none' and no test set is the permutation cut that runs had before (first rows validate)", () => {
    const d = imbalanced();
    const order = new Rng(5 ^ 0x5eed5917).permutation(d.n);
    const rows = splitRows(d, 0.2, 5, { stratify: 'none' });
    expect([...rows.val]).toEqual([...order.subarray(0, 21)]);
    expect([...rows.train]).toEqual([...order.subarray(21)]);
  });

  it('stratifies a regression by target quantile bins when asked, and not by default', () => {
    const d = loadBuiltinDataset(parseConfig({ dataset: { name: 'sine', samples: 400 } }).dataset);
    const bins = 10;
    const sorted = [...d.targets!].sort((a, b) => a - b);
    const binOf = (v: number) => Math.min(bins - 1, Math.floor((sorted.indexOf(v) * bins) / d.n));
    const rows = splitRows(d, 0.25, 3, { stratify: 'quantiles', testSplit: 0.2 });
    for (const split of [rows.val, rows.test]) {
      const perBin = new Array<number>(bins).fill(0);
      for (const r of split) perBin[binOf(d.targets![r]!)]!++;
      perBin.forEach((c) => expect(Math.abs(c - split.length / bins)).toBeLessThanOrEqual(1));
    }
    const plain = splitRows(d, 0.25, 3, { testSplit: 0.2 });
    expect([...plain.val]).not.toEqual([...rows.val]);
  });

  it('k folds of the rows after the test set: each row validates in exactly one fold, folds stratified', () => {
    const d = imbalanced();
    const folds = 5;
    const seen = new Map<number, number>();
    let test: number[] | null = null;
    for (let fold = 0; fold < folds; fold++) {
      const rows = splitRows(d, 0.2, 1, { testSplit: 0.1, crossValidation: { folds, fold } });
      test ??= [...rows.test];
      expect([...rows.test]).toEqual(test);
      expect(rows.train.length + rows.val.length + rows.test.length).toBe(d.n);
      for (const r of rows.val) seen.set(r, (seen.get(r) ?? 0) + 1);
      const counts = classCounts(d, rows.val);
      const rest = classCounts(
        d,
        Uint32Array.from(d.labels!.keys()).filter((r) => !test!.includes(r)),
      );
      const restN = d.n - test.length;
      counts.forEach((c, k) => expect(Math.abs(c - (rest[k]! * rows.val.length) / restN)).toBeLessThanOrEqual(1));
    }
    expect(seen.size).toBe(d.n - test!.length);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
  });

  it('apportion rounds every cell down or up with exact row and column sums', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 200; t++) {
      const counts = Array.from({ length: 1 + Math.floor(rng.next() * 6) }, () => Math.floor(rng.next() * 30));
      const n = counts.reduce((a, b) => a + b, 0);
      const cut1 = Math.floor(rng.next() * (n + 1));
      const cut2 = cut1 + Math.floor(rng.next() * (n - cut1 + 1));
      const sizes = [cut1, cut2 - cut1, n - cut2];
      const a = apportion(counts, sizes);
      a.forEach((row, c) => {
        expect(row.reduce((x, y) => x + y, 0)).toBe(counts[c]);
        row.forEach((v, s) => expect(Math.abs(v - (n ? (counts[c]! * sizes[s]!) / n : 0))).toBeLessThan(1));
      });
      sizes.forEach((s, j) => expect(a.reduce((x, row) => x + row[j]!, 0)).toBe(s));
    }
  });
});
