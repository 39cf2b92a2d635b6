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
