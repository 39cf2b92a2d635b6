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
 * One source column's value as a model that takes raw rows receives it (and as its exported graph's input holds it):
 * numeric → a number (NaN: missing); categorical → its text (null or a missing-value text: missing; a text not
 * among the categories is unseen and becomes all zeros); date → its five DATE_PARTS features (null, or any NaN
 * among them: missing). Dates enter as features because an ONNX graph cannot parse a date string.
 */
export type RawValue = number | string | null | readonly number[];

/**
 * Reads one raw row's cells (`cells[column]` per step) into values. `bad` is the first step whose cell could not be
 * read (a non-number, a non-date); an unseen category is not bad here (encodeValues reports it).
 */
export function readRawValues(
  p: Pick<Preprocessing, 'columns'>,
  cells: readonly (string | undefined)[],
  read: CellReader,
): { values: RawValue[]; bad: ColumnStep | undefined } {
  let bad: ColumnStep | undefined;
  const values = p.columns.map((s): RawValue => {
    const cell = cells[s.column];
    if (read.isMissing(cell)) return s.kind === 'numeric' ? NaN : null;
    const text = cell!.trim();
    if (s.kind === 'numeric') {
      const v = read.number(text);
      if (Number.isNaN(v)) bad ??= s;
      return v;
    }
    if (s.kind === 'categorical') return text;
    const ms = parseDate(text);
    if (Number.isNaN(ms)) bad ??= s;
    return dateFeatures(ms);
  });
  return { values, bad };
}

/** The five DATE_PARTS features of a UTC instant (all NaN for NaN), as float32 values. */
export function dateFeatures(ms: number): number[] {
  const f = new Float32Array(DATE_PARTS.length);
  if (Number.isNaN(ms)) f.fill(NaN);
  else writeDateFeatures(ms, f, 0);
  return Array.from(f);
}

const isNaNValue = (v: RawValue) => typeof v === 'number' && Number.isNaN(v);

/**
 * Writes the features of one row of values (one per step) at out[at…]: the single encoder of import, the engine's
 * predict and the exported graph's reference. A missing value takes the step's fill and sets its indicator.
 * `missingValues` (lower case) are the texts a categorical value reads as missing, compared case-insensitively.
 * Returns the first categorical step whose value is unseen (written as all zeros), else undefined.
 */
export function encodeValues(
  p: Pick<Preprocessing, 'columns'> & { missingValues?: readonly string[] },
  values: readonly RawValue[],
  out: Float32Array,
  at: number,
): ColumnStep | undefined {
  let unseen: ColumnStep | undefined;
  p.columns.forEach((s, i) => {
    const v = values[i] ?? null;
    let missing: boolean;
    if (s.kind === 'numeric') {
      missing = typeof v !== 'number' || Number.isNaN(v);
      out[at++] = missing ? s.fill : (v as number);
    } else if (s.kind === 'categorical') {
      missing = typeof v !== 'string' || p.missingValues?.includes(v.toLowerCase()) === true;
      const k = s.categories.indexOf(missing ? s.fill : (v as string));
      if (k < 0) unseen ??= s;
      out.fill(0, at, at + s.categories.length);
      if (k >= 0) out[at + k] = 1;
      at += s.categories.length;
    } else {
      const parts = Array.isArray(v) ? (v as readonly number[]) : null;
      missing = parts === null || parts.length !== DATE_PARTS.length || parts.some((x) => isNaNValue(x));
      if (missing) writeDateFeatures(s.fill, out, at);
      else out.set(parts!, at);
      at += DATE_PARTS.length;
    }
    if (s.indicator) out[at++] = missing ? 1 : 0;
  });
  return unseen;
}

/** n rows of values → n × width features (encodeValues per row). */
export function encodeRows(
  p: Pick<Preprocessing, 'columns'> & { missingValues?: readonly string[] },
  rows: readonly (readonly RawValue[])[],
): Float32Array {
  const width = p.columns.reduce((n, s) => n + stepWidth(s), 0);
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => encodeValues(p, r, x, i * width));
  return x;
}

/**
 * The values one encoded row came from (the inverse of encodeValues on the features at x[at…]): a row whose
 * indicator is set reads as missing. The exporter checks its graph on the stored snapshot's rows this way.
 */
export function decodeFeatures(p: Pick<Preprocessing, 'columns'>, x: ArrayLike<number>, at: number): RawValue[] {
  return p.columns.map((s): RawValue => {
    const w = stepWidth(s);
    const gap = s.indicator && x[at + w - 1] === 1;
    const start = at;
    at += w;
    if (s.kind === 'numeric') return gap ? NaN : x[start]!;
    if (s.kind === 'date') return gap ? null : Array.from({ length: DATE_PARTS.length }, (_, j) => x[start + j]!);
    if (gap) return null;
    const k = s.categories.findIndex((_, j) => x[start + j] === 1);
    return k < 0 ? null : s.categories[k]!;
  });
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
  const { values, bad } = readRawValues(p, cells, read);
  const unseen = encodeValues(p, values, out, at);
  if (!bad) return unseen;
  // The first failing step in column order, as before: a bad cell or an unseen category, whichever comes first.
  return unseen && p.columns.indexOf(unseen) < p.columns.indexOf(bad) ? unseen : bad;
}
