// A dialog's keyboard: Escape closes it wherever the focus is, and the focus moves into it when it opens (the
// `autofocus` attribute does nothing on an element Vue inserts after the page loaded).
import { onMounted, onUnmounted, type Ref } from 'vue';

export function useDialogKeys(close: () => void, first: Ref<HTMLElement | null>): void {
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    close();
  };
  onMounted(() => {
    document.addEventListener('keydown', onKey);
    first.value?.focus();
  });
  onUnmounted(() => document.removeEventListener('keydown', onKey));
}
