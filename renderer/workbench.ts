// Where the renderer's WorkbenchApi comes from: the preload's bridge in the desktop app, else HTTP to the
// `mlpw serve` that served this page (browser mode). The rest of the renderer never knows which.
import { createApiClient, type Invoke } from '../api/client.ts';
import type { DispatchResult } from '../api/dispatch.ts';
import type { ApiMethod } from '../api/schemas.ts';
import type { MenuEvent, WorkbenchApi } from '../api/workbench-api.ts';
import { httpUpload } from './datasets/upload.ts';

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
// sessionStorage is per tab and per origin (so per port): two `mlpw serve` in one browser keep their own tokens.
const TOKEN_KEY = 'mlpw-token';
const NO_TOKEN =
  'this tab has no access token: open the URL printed by `mlpw serve` (it carries the token after #token=)';

function httpInvoke(token: string | null): Invoke {
  return async (method, input) => {
    if (!token) return { ok: false, error: { code: 'unauthorized', message: NO_TOKEN } };
    const res = await fetch(`./api/${method}`, {
      method: 'POST',
      // failRun is sent as the page unloads (see TrainingQueue.abandon); keepalive lets it outlive the page.
      keepalive: method === 'failRun',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input),
    });
    const body = (await res.json().catch(() => null)) as DispatchResult | null;
    return (
      body ?? {
        ok: false,
        error: { code: 'http_error', message: `the workbench server answered ${res.status} ${res.statusText}` },
      }
    );
  };
}

/**
 * Browser mode: `mlpw serve` prints `…/#token=…`. The fragment never reaches a server; the token moves to this tab's
 * sessionStorage (a reload keeps it) and leaves the address bar, history and anything copied from it.
 */
export function browserToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const given = fragment.get('token');
  if (given) {
    window.sessionStorage.setItem(TOKEN_KEY, given);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

export function connectWorkbench(): { api: WorkbenchApi; mode: 'electron' | 'browser' } {
  const bridge = window.workbench;
  if (bridge) {
    // IPC uses structured clone, which refuses Vue's reactive proxies; JSON gives the same plain data HTTP sends.
    const api = createApiClient((method, input) => bridge.invoke(method, JSON.parse(JSON.stringify(input ?? {}))));
    api.onMenuCommand = (listener) => bridge.onMenuCommand(listener);
    return { api, mode: 'electron' };
  }
  const token = browserToken();
  const api = createApiClient(httpInvoke(token));
  api.uploadDataset = httpUpload(token ? { [TOKEN_HEADER]: token } : {});
  return { api, mode: 'browser' };
}
