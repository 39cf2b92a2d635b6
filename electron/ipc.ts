// IPC handlers: every WorkbenchApi call from a window arrives on one channel, its sender is checked (our own page
// in our own window's main frame), then dispatch() validates the input with the API's schemas and calls the store.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { dispatch, type DispatchResult } from '../api/dispatch.ts';
import type { ApiHandlers } from '../api/workbench-api.ts';
import { INVOKE_CHANNEL } from './channels.ts';
import { isAppUrl } from './app-protocol-url.ts';

/** The sender facts the check needs; plain data, so tests can build them without Electron. */
export interface SenderFacts {
  url: string | undefined;
  isMainFrame: boolean;
}

export function trustedSender(sender: SenderFacts): boolean {
  return sender.isMainFrame && isAppUrl(sender.url);
}

function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  const frame = event.senderFrame;
  return { url: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame };
}

export async function handleInvoke(
  handlers: ApiHandlers,
  sender: SenderFacts,
  method: unknown,
  input: unknown,
): Promise<DispatchResult> {
  if (!trustedSender(sender))
    return { ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame' } };
  if (typeof method !== 'string')
    return { ok: false, error: { code: 'unknown_method', message: 'method must be a string' } };
  return dispatch(handlers, method, input);
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: ApiHandlers): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, input: unknown) =>
    handleInvoke(handlers, senderFacts(event), method, input),
  );
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}
