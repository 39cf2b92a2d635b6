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

// Early termination beside any method, as `mlpw sweep --early-stop KIND:metric=,min=,eta=` takes it (kept apart from
// the search draft, so drafts stored before it still restore).
const EARLY_KEY = 'mlpw.designer.sweep-early-stop';
export const EARLY_KINDS = ['none', 'asha', 'hyperband'] as const;
export const EARLY_METRICS = ['val_loss', 'val_acc', 'train_loss', 'train_acc'] as const;
const EarlySchema = z.strictObject({
  kind: z.enum(EARLY_KINDS),
  metric: z.enum(EARLY_METRICS),
  min: z.number(),
  eta: z.number(),
});
export type EarlyStopDraft = z.infer<typeof EarlySchema>;

function restoreEarly(): EarlyStopDraft {
  try {
    const stored = EarlySchema.safeParse(JSON.parse(globalThis.localStorage?.getItem(EARLY_KEY) ?? 'null'));
    if (stored.success) return stored.data;
  } catch {
    // unreadable: start with none
  }
  return { kind: 'none', metric: 'val_loss', min: 1, eta: 3 };
}

/** The `--early-stop` text of the draft ("asha:metric=val_loss,min=1,eta=3"); undefined for none. */
export function earlyStopText(d: EarlyStopDraft): string | undefined {
  return d.kind === 'none' ? undefined : `${d.kind}:metric=${d.metric},min=${d.min},eta=${d.eta}`;
}

export const earlyStopDraft = reactive(restoreEarly());
if (globalThis.localStorage)
  watch(earlyStopDraft, () => globalThis.localStorage.setItem(EARLY_KEY, JSON.stringify(earlyStopDraft)), {
    deep: true,
  });
