// The Designer's draft kept in this origin's localStorage, so a reload keeps the design (its name included). A
// stored design that no longer parses (an older version's, a half-edited one) gives way to the defaults, keeping
// its name.
import { watch } from 'vue';
import { draft, loadDraft } from './draft.ts';

const KEY = 'mlpw.designer.draft';

export function keepDraftAcrossReloads(storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  let stored: unknown = null;
  try {
    stored = JSON.parse(storage.getItem(KEY) ?? 'null');
    if (stored) loadDraft(stored as Parameters<typeof loadDraft>[0]);
  } catch {
    const name = (stored as { name?: unknown } | null)?.name;
    if (typeof name === 'string') draft.name = name;
  }
  watch(draft, () => storage.setItem(KEY, JSON.stringify(draft)), { deep: true });
}
