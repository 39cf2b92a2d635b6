// The sweep being designed (up to three keys and their values), kept in this origin's localStorage so a reload
// keeps it, as the Designer's draft is kept.
import { reactive, watch } from 'vue';
import { z } from 'zod';

const KEY = 'mlpw.designer.sweep';
const AxesSchema = z.array(z.strictObject({ key: z.string(), values: z.string() })).length(3);

function restore(): { key: string; values: string }[] {
  try {
    const stored = AxesSchema.safeParse(JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null'));
    if (stored.success) return stored.data;
  } catch {
    // unreadable: start empty
  }
  return [0, 1, 2].map(() => ({ key: '', values: '' }));
}

export const sweepAxes = reactive(restore());
if (globalThis.localStorage)
  watch(sweepAxes, () => globalThis.localStorage.setItem(KEY, JSON.stringify(sweepAxes)), { deep: true });

// The search the builder designs beside the grid: the method, up to four keys with a distribution each (as
// `mlpw sweep --param KEY=DIST` takes them), the number of trials and the sweep seed.
const SEARCH_KEY = 'mlpw.designer.sweep-search';
export const DIST_KINDS = ['uniform', 'loguniform', 'int', 'choice'] as const;
export const SEARCH_ROWS = 4;
const SearchSchema = z.strictObject({
  method: z.enum(['grid', 'random', 'bayes']),
  params: z
    .array(
      z.strictObject({
        key: z.string(),
        kind: z.enum(DIST_KINDS),
        low: z.string(),
        high: z.string(),
        values: z.string(),
      }),
    )
    .length(SEARCH_ROWS),
  trials: z.number().int(),
  seed: z.number().int(),
});
export type SearchDraft = z.infer<typeof SearchSchema>;
export type SearchRow = SearchDraft['params'][number];

export function freshSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}

function restoreSearch(): SearchDraft {
  try {
    const stored = SearchSchema.safeParse(JSON.parse(globalThis.localStorage?.getItem(SEARCH_KEY) ?? 'null'));
    if (stored.success) return stored.data;
  } catch {
    // unreadable: start empty
  }
  return {
    method: 'grid',
    params: Array.from({ length: SEARCH_ROWS }, () => ({ key: '', kind: 'uniform', low: '', high: '', values: '' })),
    trials: 10,
    seed: freshSeed(),
  };
}

/** A row's DIST text as `--param` takes it: uniform:A:B, loguniform:A:B, int:A:B, choice:V1,V2,… */
export function distText(row: SearchRow): string {
  return row.kind === 'choice'
    ? `choice:${row.values.replace(/\s+/g, '')}`
    : `${row.kind}:${row.low.trim()}:${row.high.trim()}`;
}

export const searchDraft = reactive(restoreSearch());
if (globalThis.localStorage)
  watch(searchDraft, () => globalThis.localStorage.setItem(SEARCH_KEY, JSON.stringify(searchDraft)), { deep: true });
