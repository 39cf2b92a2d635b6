// "Run on agents (queue URL)" in the sweep builder: on or off, and the Redis URL, kept in this origin's localStorage
// as the sweep draft is. A password in the URL is kept for this page's life only, never written to localStorage.
import { reactive, watch } from 'vue';
import { z } from 'zod';

const KEY = 'mlpw.designer.sweep-agents';
const AgentsSchema = z.strictObject({ on: z.boolean(), url: z.string().max(2000) });
export type AgentsDraft = z.infer<typeof AgentsSchema>;

/** The URL without its password (redis://:secret@host → redis://host): what is remembered. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = ''; // with no user name either, the URL is written without an '@'
    return u.toString();
  } catch {
    return url;
  }
}

function restore(): AgentsDraft {
  try {
    const stored = AgentsSchema.safeParse(JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null'));
    if (stored.success) return stored.data;
  } catch {
    // unreadable: start with the option off
  }
  return { on: false, url: 'redis://127.0.0.1:6379' };
}

export const agentsDraft = reactive(restore());
if (globalThis.localStorage)
  watch(
    agentsDraft,
    () =>
      globalThis.localStorage.setItem(
        KEY,
        JSON.stringify({ on: agentsDraft.on, url: withoutPassword(agentsDraft.url) }),
      ),
    { deep: true },
  );
