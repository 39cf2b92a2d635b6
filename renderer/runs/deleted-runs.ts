// Runs deleted in this window: the queue's links to them turn into plain text, and the top bar's count is asked
// again (it is the store's, read when the queue changes, and a delete does not change the queue).
import { reactive, ref } from 'vue';

export const deletedRuns = reactive(new Set<string>());
/** Bumped on every delete: App.vue watches it to refresh the store's run count. */
export const deletions = ref(0);

export function noteDeleted(ids: string[]): void {
  for (const id of ids) deletedRuns.add(id);
  deletions.value++;
}

/** Runs being deleted now or deleted: the live views that poll a run's checkpoints stop asking for it before the
 *  store forgets it (asking after would be an error the page logs). */
export const goneRuns = reactive(new Set<string>());

export function noteDeleting(ids: string[]): void {
  for (const id of ids) goneRuns.add(id);
}

/** The delete failed: the runs are there after all. */
export function deleteFailed(ids: string[]): void {
  for (const id of ids) if (!deletedRuns.has(id)) goneRuns.delete(id);
}
