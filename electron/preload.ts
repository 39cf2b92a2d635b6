// Preload (sandboxed): exposes window.workbench, the WorkbenchApi's transport and the menu's commands, and nothing
// else. No ipcRenderer, no Node: the renderer can only name an API method and pass plain data.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isApiMethod } from '../api/schemas.ts';
import type { MenuEvent } from '../api/workbench-api.ts';
import { INVOKE_CHANNEL, isMenuEvent, MENU_CHANNEL } from './channels.ts';

contextBridge.exposeInMainWorld('workbench', {
  invoke(method: string, input: unknown) {
    if (!isApiMethod(method))
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', message: `no WorkbenchApi method "${method}"` },
      });
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, input);
  },
  onMenuCommand(listener: (event: MenuEvent) => void) {
    const wrapped = (_event: IpcRendererEvent, menuEvent: unknown) => {
      if (isMenuEvent(menuEvent))
        listener({
          command: menuEvent.command,
          file: menuEvent.file && { file: menuEvent.file.file, name: menuEvent.file.name },
        });
    };
    ipcRenderer.on(MENU_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(MENU_CHANNEL, wrapped);
  },
});
