// The IPC surface between the main process and the preload: one request channel carrying WorkbenchApi calls, one
// event channel carrying menu commands. Shared by both sides so the names cannot drift.
import type { MenuCommand, MenuEvent } from '../api/workbench-api.ts';

export const INVOKE_CHANNEL = 'workbench:invoke';
export const MENU_CHANNEL = 'workbench:menu';

export const MENU_COMMANDS: readonly MenuCommand[] = ['new-experiment', 'import-dataset', 'export-onnx'];

export function isMenuEvent(value: unknown): value is MenuEvent {
  const e = value as Partial<MenuEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.command === 'string' &&
    (MENU_COMMANDS as readonly string[]).includes(e.command) &&
    (e.file === undefined ||
      (typeof e.file === 'object' &&
        e.file !== null &&
        typeof e.file.file === 'string' &&
        typeof e.file.name === 'string'))
  );
}
