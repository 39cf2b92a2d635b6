// A small hash router: `#/<view>/<params…>`, e.g. `#/runs/<id>` selects a run. The sidebar lists NAV; App.vue maps
// each name to its component (views.ts). A new view (comparison, sweeps, …) adds one row to each.
import { computed, ref } from 'vue';

export const NAV = [
  { name: 'designer', title: 'Designer' },
  { name: 'training', title: 'Training' },
  { name: 'runs', title: 'Runs' },
  { name: 'compare', title: 'Compare' },
  { name: 'sweeps', title: 'Sweeps' },
  { name: 'insight', title: 'Insight' },
] as const;

export type ViewName = (typeof NAV)[number]['name'];

function parse(hash: string): { name: ViewName; params: string[] } {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const name = NAV.find((n) => n.name === parts[0])?.name ?? 'designer';
  return { name, params: parts.slice(1) };
}

const current = ref(parse(typeof window === 'undefined' ? '' : window.location.hash));
if (typeof window !== 'undefined')
  window.addEventListener('hashchange', () => (current.value = parse(window.location.hash)));

export const route = computed(() => current.value);

export function navigate(name: ViewName, ...params: string[]): void {
  const hash = `#/${[name, ...params].map(encodeURIComponent).join('/')}`;
  if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  current.value = parse(hash);
}
