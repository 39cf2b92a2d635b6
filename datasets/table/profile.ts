// The first pass over a table: what each column holds, in bounded memory. Per column: how many values are missing,
// how many read as numbers or as dates (the first that does not, for the message), the distinct values with their
// counts (tracked up to TRACK_DISTINCT, enough to tell categories from IDs), and a seeded reservoir of the numbers
// or instants for the median (exact up to RESERVOIR values, else over a uniform sample of that many).
import { parseNumber } from '../csv/sniff.ts';
import { looksLikeAmbiguousDate, parseDate } from '../../engine/data/dates.ts';

/** Distinct values tracked per column (well past MAX_CATEGORIES; beyond it a column is an ID or too varied). */
export const TRACK_DISTINCT = 1000;
/** Numbers (or instants) kept per column for the median. */
export const RESERVOIR = 100_000;

export class ColumnProfile {
  /** rows seen, missing values included */
  rows = 0;
  missing = 0;
  numbers = 0;
  integers = true;
  dates = 0;
  ambiguousDates = 0;
  firstNonNumber: { line: number; text: string } | undefined;
  firstNonDate: { line: number; text: string } | undefined;
  readonly counts = new Map<string, number>();
  /** more distinct values than TRACK_DISTINCT: counts holds the first ones only */
  overflow = false;
  /** every value differs from every other (among the first TRACK_DISTINCT distinct values, when it overflowed) */
  allDistinct = true;
  /** values present when the counts overflowed: TRACK_DISTINCT distinct among that many */
  presentAtOverflow = 0;
  private sample = new Float64Array(0);
  private sampled = 0;
  private seen = 0;
  private rng = 0x9e3779b9;

  constructor(private readonly delimiter: () => string) {}

  add(text: string | undefined, line: number, isMissing: (s: string | undefined) => boolean): void {
    this.rows++;
    if (isMissing(text)) {
      this.missing++;
      return;
    }
    const t = text!.trim();
    // Past the cap the counts stop: a column with that many values is numeric, an ID or refused, whatever follows.
    if (!this.overflow) {
      const n = this.counts.get(t);
      if (n !== undefined) {
        this.counts.set(t, n + 1);
        this.allDistinct = false;
      } else if (this.counts.size < TRACK_DISTINCT) this.counts.set(t, 1);
      else {
        this.overflow = true;
        this.presentAtOverflow = this.rows - this.missing - 1;
      }
    }
    const v = parseNumber(t, this.delimiter());
    if (!Number.isNaN(v)) {
      this.numbers++;
      if (!Number.isInteger(v)) this.integers = false;
      this.keep(v);
      return;
    }
    this.firstNonNumber ??= { line, text: t };
    // Dates only while every non-number so far was one (a column of words is not parsed as dates row after row).
    if (this.firstNonDate) return;
    const ms = parseDate(t);
    if (Number.isNaN(ms)) {
      this.firstNonDate = { line, text: t };
      if (looksLikeAmbiguousDate(t)) this.ambiguousDates++;
    } else {
      this.dates++;
      if (this.numbers === 0) this.keep(ms);
    }
  }

  get present(): number {
    return this.rows - this.missing;
  }

  /** Distinct values, or null when there are more than were tracked. */
  get distinct(): number | null {
    return this.overflow ? null : this.counts.size;
  }

  /** Distinct values per present value: of the whole column, or of its start up to the overflow. */
  get distinctShare(): number {
    if (this.overflow) return this.counts.size / Math.max(1, this.presentAtOverflow);
    return this.counts.size / Math.max(1, this.present);
  }

  /** The median of the numbers (or instants) seen; the mean of the middle two for an even count. */
  median(): number {
    const s = this.sample.subarray(0, this.sampled).slice().sort();
    if (s.length === 0) return NaN;
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  }

  /** The most frequent value (the first in `order` on a tie). */
  mostFrequent(order: string[]): string {
    let best = order[0]!;
    for (const c of order) if (this.counts.get(c)! > this.counts.get(best)!) best = c;
    return best;
  }

  /** Reservoir sampling (Algorithm R) with a fixed xorshift32 seed: the same file gives the same median. */
  private keep(v: number): void {
    this.seen++;
    if (this.sampled < RESERVOIR) {
      if (this.sampled === this.sample.length) {
        const bigger = new Float64Array(Math.min(RESERVOIR, Math.max(1024, this.sample.length * 2)));
        bigger.set(this.sample);
        this.sample = bigger;
      }
      this.sample[this.sampled++] = v;
      return;
    }
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    const j = this.rng % this.seen;
    if (j < RESERVOIR) this.sample[j] = v;
  }
}
