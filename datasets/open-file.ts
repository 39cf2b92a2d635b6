// Opening a user's data file: regular files only. A FIFO opened for reading blocks until a writer comes (in the
// libuv pool, so a server's file I/O stalls with it), and a device or a folder is no dataset; each is a sentence
// naming the path instead. O_NONBLOCK makes the open itself return at once; fstat on the open descriptor then says
// what was opened (no window between a check and the open).
import { constants, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ImportError, readError } from './errors.ts';

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export interface OpenedFile {
  handle: FileHandle;
  bytes: number;
}

/** Opens `path` for reading if it is a regular file (symlinks followed); else ImportError('cannot_read') naming it. */
export async function openRegularFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new ImportError('cannot_read', `cannot read ${path}: it is ${kindOf(info)}, not a regular file`, {
        file: path,
      });
    return { handle, bytes: info.size };
  } catch (e) {
    await handle.close();
    throw e instanceof ImportError ? e : readError(path, e);
  }
}

/** The opened file as a stream of 64 KB chunks (small chunks keep the garbage per step, and so the heap, small). */
export function readChunks(opened: OpenedFile): ReadStream {
  return opened.handle.createReadStream({ highWaterMark: 1 << 16 });
}
