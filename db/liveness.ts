// Is the process that owns a running run still alive? Same host: ask the OS about its pid (a heartbeat that stopped
// long ago means the pid was reused). Another host sharing the file: only the heartbeat can tell. A random token per
// process tells this process's runs from those of a dead one that had the same pid (containers reuse low pids).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const HEARTBEAT_EVERY_MS = 5_000;
/** Another host's run is given up after this long without a heartbeat (many missed beats, not one slow epoch). */
export const STALE_REMOTE_MS = 120_000;
/** A live pid with a heartbeat this old on our host is someone else's process that got the dead owner's pid. */
export const STALE_LOCAL_MS = 15 * 60_000;

export interface Owner {
  pid: number;
  host: string;
  token: string;
}

const ME: Owner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };

export function currentOwner(): Owner {
  return ME;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OwnerRecord {
  pid: number | null;
  host: string | null;
  token: string | null;
  heartbeatAt: number | null;
}

export function ownerAlive(owner: OwnerRecord, now: number, me: Owner = ME): boolean {
  if (owner.token !== null && owner.token === me.token) return true;
  if (owner.pid === null || owner.host === null) return false;
  const age = owner.heartbeatAt === null ? Infinity : now - owner.heartbeatAt;
  if (owner.host !== me.host) return age < STALE_REMOTE_MS;
  if (owner.pid === me.pid) return false; // our pid, not our token: a previous process with this pid
  return pidAlive(owner.pid) && age < STALE_LOCAL_MS;
}
