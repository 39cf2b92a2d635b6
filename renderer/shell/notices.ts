// Short messages at the bottom right: what an action did (an export, an import) or why it could not.
import { ref } from 'vue';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export const notices = ref<Notice[]>([]);
let next = 1;

export function notify(text: string, kind: Notice['kind'] = 'info', ms = 8000): void {
  const id = next++;
  notices.value = [...notices.value, { id, kind, text }];
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  notices.value = notices.value.filter((n) => n.id !== id);
}
