// A queue URL (redis://[:password@]host[:port][/db], rediss:// for TLS) as ioredis connections, and the key names the
// coordinator and its agents share in that Redis. One place for both, so the two sides cannot drift.
import { Redis, type RedisOptions } from 'ioredis';
import { excerpt } from '../engine/excerpt.ts';
import { QueueUrlError } from './errors.ts';

/** BullMQ's queue of sweep points; every agent on this Redis takes from it. */
export const QUEUE_NAME = 'runs';
/** BullMQ's key prefix and ours: everything this workbench writes lives under `mlpw:`. */
export const KEY_PREFIX = 'mlpw';

export const keys = {
  /** one Redis stream per sweep: every agent's events for that sweep's runs, in order */
  events: (sweepId: string) => `${KEY_PREFIX}:sweep:${sweepId}:events`,
  /** an imported dataset's snapshot by its content hash, put once by the coordinator */
  dataset: (hash: string) => `${KEY_PREFIX}:dataset:${hash}`,
  /** the coordinator's ASHA decision ("stop" or "go") for a run at a rung's epoch; its agent waits for it */
  rung: (sweepId: string, runId: string, epoch: number) => `${KEY_PREFIX}:sweep:${sweepId}:rung:${runId}:${epoch}`,
};

/** ioredis options for a queue URL; a mistake names the flag and the URL's scheme or part (never the password). */
export function redisOptions(url: string, flag = '--queue'): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`${flag}: expected redis://HOST:PORT or rediss://HOST:PORT, got ${excerpt(url)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new QueueUrlError(`${flag}: expected a redis:// or rediss:// URL, got scheme "${u.protocol.slice(0, -1)}"`);
  if (!u.hostname) throw new QueueUrlError(`${flag}: the URL names no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new QueueUrlError(`${flag}: the database number "${u.pathname.slice(1)}" is not one`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    // BullMQ's workers block on Redis: a command waits for a reconnect instead of failing after a few retries.
    maxRetriesPerRequest: null,
    // A restarted Redis comes back within seconds; retry quickly, never give up.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  };
}

/** The URL as printed: the password masked. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return excerpt(url);
  }
}

export function connect(options: RedisOptions): Redis {
  const redis = new Redis(options);
  // ioredis reports a lost connection as an 'error' event; it reconnects by itself, so nothing here may throw.
  redis.on('error', () => {});
  return redis;
}

/** A refused login is the user's mistake: said at once, naming the URL, instead of reconnecting forever. */
const AUTH_ERROR = /NOAUTH|WRONGPASS|invalid password|invalid username-password/i;

/** Waits until Redis answers (a Redis that is down is waited for); rejects with a QueueUrlError when it refuses the login. */
export async function whenReachable(redis: Redis, url: string, flag = '--queue'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      if (!AUTH_ERROR.test(e.message)) return;
      redis.off('error', onError);
      reject(new QueueUrlError(`${flag} ${shownUrl(url)}: ${e.message.split('\n')[0]!.slice(0, 200)}`));
    };
    redis.on('error', onError);
    redis.ping().then(
      () => (redis.off('error', onError), resolve()),
      (e: Error) => (
        redis.off('error', onError),
        reject(AUTH_ERROR.test(e.message) ? new QueueUrlError(`${flag} ${shownUrl(url)}: ${e.message}`) : e)
      ),
    );
  });
}

/**
 * The app's check before it stores a sweep for agents: the URL parses and Redis answers within `timeoutMs`, else a
 * QueueUrlError naming the URL (password masked) and why (a refused login, or no answer and the last connect error).
 */
export async function probe(url: string, flag: string, timeoutMs: number): Promise<void> {
  const options = redisOptions(url, flag);
  const redis = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError = '';
  redis.on('error', (e: Error) => (lastError = e.message.split('\n')[0]!.slice(0, 200)));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
  } catch (e) {
    const message = (e as Error).message;
    if (AUTH_ERROR.test(message) || AUTH_ERROR.test(lastError))
      throw new QueueUrlError(`${flag} ${shownUrl(url)}: ${AUTH_ERROR.test(message) ? message : lastError}`);
    const why = lastError || (message === 'timeout' ? `no answer within ${timeoutMs / 1000} s` : message);
    throw new QueueUrlError(`${flag} ${shownUrl(url)}: Redis is not reachable (${why})`);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
