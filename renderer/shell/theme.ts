// Light or dark: the system's `prefers-color-scheme` until the top bar's toggle chooses, and then that choice, kept
// in this origin's localStorage. The page follows through html[data-theme] (styles.css), the charts through the
// ECharts theme of the same name (charts/echarts-theme.ts), provided to every chart by App.vue.
import { computed, ref } from 'vue';

export type Theme = 'light' | 'dark';
const KEY = 'mlpw.theme';

const media =
  typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
const system = ref<Theme>(media?.matches ? 'dark' : 'light');
media?.addEventListener('change', (e) => (system.value = e.matches ? 'dark' : 'light'));

function stored(): Theme | null {
  const v = globalThis.localStorage?.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : null;
}
const chosen = ref<Theme | null>(stored());

export const theme = computed<Theme>(() => chosen.value ?? system.value);
/** The ECharts theme registered for the page's theme. */
export const chartTheme = computed(() => `mlpw-${theme.value}`);

export function toggleTheme(): void {
  chosen.value = theme.value === 'dark' ? 'light' : 'dark';
  globalThis.localStorage?.setItem(KEY, chosen.value);
  applyTheme();
}

export function applyTheme(): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme.value;
}
