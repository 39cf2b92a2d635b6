// The main window's size and position, remembered in a small JSON file and restored only where it still fits on a
// display (a monitor may have been unplugged since).
import { readFileSync, writeFileSync } from 'node:fs';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds?: Bounds;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1360, height: 860 };
const MIN_VISIBLE = 100; // px of the title bar that must land on some display

export function readWindowState(file: string): WindowState {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    const b = raw.bounds;
    const valid =
      b && [b.x, b.y, b.width, b.height].every((v) => Number.isFinite(v)) && b.width >= 400 && b.height >= 300;
    return { bounds: valid ? b : undefined, maximized: raw.maximized === true };
  } catch {
    return { maximized: false };
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(state));
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}

/** The saved bounds if enough of the window would be visible on one of the work areas, else undefined. */
export function fitBounds(bounds: Bounds | undefined, workAreas: Bounds[]): Bounds | undefined {
  if (!bounds) return undefined;
  const visible = workAreas.some(
    (a) =>
      bounds.x + bounds.width - MIN_VISIBLE >= a.x &&
      bounds.x + MIN_VISIBLE <= a.x + a.width &&
      bounds.y >= a.y - 10 &&
      bounds.y + MIN_VISIBLE <= a.y + a.height,
  );
  return visible ? bounds : undefined;
}
