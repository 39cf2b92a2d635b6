// Where the renderer's WorkbenchApi comes from: the preload's bridge in the desktop app, else HTTP to the
// `mlpw serve` that served this page (browser mode). The rest of the renderer never knows which.
import { createApiClient, type Invoke } from '../api/client.ts';
import type { DispatchResult } from '../api/dispatch.ts';
import type { ApiMethod } from '../api/schemas.ts';
import type { MenuEvent, WorkbenchApi } from '../api/workbench-api.ts';

/** What the Electron preload exposes as window.workbench: the API's transport and the menu's commands. */
export interface WorkbenchBridge {
  invoke(method: ApiMethod, input: unknown): Promise<DispatchResult>;
  onMenuCommand(listener: (event: MenuEvent) => void): () => void;
}

declare global {
  interface Window {
    workbench?: WorkbenchBridge;
  }
}

const TOKEN_HEADER = 'X-Workbench-Token';

function httpInvoke(token: string): Invoke {
  return async (method, input) => {
    const res = await fetch(`./api/${method}`, {
      method: 'POST',
      // failRun is sent as the page unloads (see TrainingQueue.abandon); keepalive lets it outlive the page.
      keepalive: method === 'failRun',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input),
    });
    const body = (await res.json().catch(() => null)) as DispatchResult | null;
    return body ?? { ok: false, error: { code: 'http_error', message: `the workbench server answered ${res.status} ${res.statusText}` } };
  };
}

/** Browser mode: the server put the session token in a meta tag; drop it from the address bar once read. */
function browserToken(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="workbench-token"]');
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return meta?.content ?? '';
}

export function connectWorkbench(): { api: WorkbenchApi; mode: 'electron' | 'browser' } {
  const bridge = window.workbench;
  if (bridge) {
    // IPC uses structured clone, which refuses Vue's reactive proxies; JSON gives the same plain data HTTP sends.
    const api = createApiClient((method, input) => bridge.invoke(method, JSON.parse(JSON.stringify(input ?? {}))));
    api.onMenuCommand = (listener) => bridge.onMenuCommand(listener);
    return { api, mode: 'electron' };
  }
  return { api: createApiClient(httpInvoke(browserToken())), mode: 'browser' };
}
