// Text going into an HTML string (ECharts tooltip formatters return HTML that it sets as innerHTML): run names,
// sweep keys and values are the user's, so every one is escaped here, in one place.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
