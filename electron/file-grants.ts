// The files the desktop's native dialogs chose, as opaque one-time handles: the renderer holds a random id, never a
// path, and the store host turns an id back into its path once (then it is gone). A page that was never shown a
// dialog (or a script in it) can name no file. Before that one use, `peek` reads the path and leaves the handle:
// the import dialog's "Check columns" profiles the very file the import then takes, and can check again after a
// change of options; a peek never extends the handle's time, and names no file the user did not choose. Plain
// Node, so tests run it without Electron.
import { randomBytes } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import { ApiError } from '../api/errors.ts';
import type { FileGrants, FilePurpose } from '../api/store-api.ts';

/** A chosen file the user did not act on is forgotten after this long. */
export const GRANT_TTL_MS = 10 * 60_000;
/** Outstanding handles kept at most (the oldest go first): a page cannot grow the map without bound. */
export const MAX_GRANTS = 64;

interface Grant {
  path: string;
  purpose: FilePurpose;
  expires: number;
}

export interface FileGrantStore extends FileGrants {
  /** A handle for a path a native dialog returned (absolute, as dialogs return them). */
  grant(path: string, purpose: FilePurpose): { file: string; name: string };
  size(): number;
}

export function createFileGrants(options: { ttlMs?: number; now?: () => number } = {}): FileGrantStore {
  const ttl = options.ttlMs ?? GRANT_TTL_MS;
  const now = options.now ?? Date.now;
  const grants = new Map<string, Grant>();
  // A handle that is unknown, expired or asked for another purpose is refused and forgotten (as take always did).
  const valid = (file: string, purpose: FilePurpose): string => {
    const found = grants.get(file);
    if (!found || found.expires < now() || found.purpose !== purpose) {
      grants.delete(file);
      throw new ApiError('unknown_file', 'this file choice is unknown, used or expired: choose the file again', 'file');
    }
    return found.path;
  };
  return {
    grant(path, purpose) {
      if (!isAbsolute(path)) throw new Error(`a dialog returned a relative path: ${path}`);
      while (grants.size >= MAX_GRANTS) grants.delete(grants.keys().next().value!);
      const file = randomBytes(18).toString('base64url');
      grants.set(file, { path, purpose, expires: now() + ttl });
      return { file, name: basename(path) };
    },
    take(file, purpose) {
      const path = valid(file, purpose);
      grants.delete(file);
      return path;
    },
    peek: valid,
    size: () => grants.size,
  };
}
