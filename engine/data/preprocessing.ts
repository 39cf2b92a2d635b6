// The fitted preprocessing of an imported table, as data: which source column becomes which features, with the
// values fitted on the import (medians, category lists, the date columns). It is stored with the snapshot, so the
// same steps can later run on raw rows at predict time and inside an exported graph. Pure TypeScript with no Node
// imports: it can move to wherever the model needs it.
//
// Feature layout, in source-column order: numeric → [name]; categorical → [name=cat, …] one-hot in `categories`
// order (an unseen category is all zeros); date → [name_year, name_doy_sin, name_doy_cos, name_weekday_sin,
// name_weekday_cos]; each followed by [name_missing] (1 where the value was missing) when `indicator` is set.
import { z } from 'zod';
import { DATE_PARTS, parseDate, writeDateFeatures } from './dates.ts';

const step = {
  /** the source column's name */
  name: z.string(),
  /** its 0-based position in the source table */
  column: z.number().int().min(0),
  /** an is-missing indicator feature follows the column's features */
  indicator: z.boolean(),
};

export const ColumnStepSchema = z.discriminatedUnion('kind', [
  /** `fill`: the median, used where a value is missing */
  z.strictObject({ kind: z.literal('numeric'), ...step, fill: z.number() }),
  /** `fill`: the most frequent category */
  z.strictObject({ kind: z.literal('categorical'), ...step, categories: z.array(z.string()).min(1), fill: z.string() }),
  /** `fill`: the median instant, in ms since 1970 UTC */
  z.strictObject({ kind: z.literal('date'), ...step, fill: z.number() }),
]);

export const PreprocessingSchema = z.strictObject({
  version: z.literal(1),
  /** impute: fill gaps with `fill` (plus indicators); drop: rows with a gap in a used column were left out */
  missing: z.enum(['impute', 'drop']),
  /** field texts read as missing, compared case-insensitively after trimming */
  missingValues: z.array(z.string()),
  columns: z.array(ColumnStepSchema),
  target: z.strictObject({
    name: z.string(),
    column: z.number().int().min(0),
    classes: z.array(z.string()).nullable(),
  }),
  ignored: z.array(z.strictObject({ name: z.string(), column: z.number().int().min(0), reason: z.string() })),
});

export type ColumnStep = z.output<typeof ColumnStepSchema>;
export type Preprocessing = z.output<typeof PreprocessingSchema>;

/** How many features a step writes. */
export function stepWidth(s: ColumnStep): number {
  const base = s.kind === 'numeric' ? 1 : s.kind === 'categorical' ? s.categories.length : DATE_PARTS.length;
  return base + (s.indicator ? 1 : 0);
}

export function stepFeatureNames(s: ColumnStep): string[] {
  const names =
    s.kind === 'numeric'
      ? [s.name]
      : s.kind === 'categorical'
        ? s.categories.map((c) => `${s.name}=${c}`)
        : DATE_PARTS.map((p) => `${s.name}_${p}`);
  return s.indicator ? [...names, `${s.name}_missing`] : names;
}

export function featureNamesOf(p: Pick<Preprocessing, 'columns'>): string[] {
  return p.columns.flatMap(stepFeatureNames);
}

/** A step's value parsers, given by the caller (they know the file's number format). */
export interface CellReader {
  isMissing(cell: string | undefined): boolean;
  number(cell: string): number;
}

/**
 * Writes the features of one raw row (`cells[column]` per step) at out[at…]. A missing value takes the step's
 * fill (the caller drops rows first under `missing: 'drop'`). Returns the first step whose value could not be read
 * (a non-number, a non-date, an unseen category, which is still written as all zeros), else undefined.
 */
export function encodeRow(
  p: Pick<Preprocessing, 'columns'>,
  cells: readonly (string | undefined)[],
  read: CellReader,
  out: Float32Array,
  at: number,
): ColumnStep | undefined {
  let bad: ColumnStep | undefined;
  for (const s of p.columns) {
    const cell = cells[s.column];
    const missing = read.isMissing(cell);
    const text = missing ? '' : cell!.trim();
    if (s.kind === 'numeric') {
      const v = missing ? s.fill : read.number(text);
      if (Number.isNaN(v)) bad ??= s;
      out[at++] = v;
    } else if (s.kind === 'categorical') {
      const k = s.categories.indexOf(missing ? s.fill : text);
      if (k < 0) bad ??= s;
      out.fill(0, at, at + s.categories.length);
      if (k >= 0) out[at + k] = 1;
      at += s.categories.length;
    } else {
      const ms = missing ? s.fill : parseDate(text);
      if (Number.isNaN(ms)) {
        bad ??= s;
        out.fill(NaN, at, at + DATE_PARTS.length);
      } else writeDateFeatures(ms, out, at);
      at += DATE_PARTS.length;
    }
    if (s.indicator) out[at++] = missing ? 1 : 0;
  }
  return bad;
}
