// For the queue tests: a real redis-server of the test's own on a random loopback port (AOF on where the test asks),
// and mlpw processes (agents, a coordinator) spawned from the real binary with their output collected line by line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mlpw.mjs', import.meta.url));

/** Debian's redis-server (.ci/run installs it): required under CI, else the queue tests are skipped with a reason. */
export const REDIS_SERVER =
  ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ??
  (spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : null);
export const SKIP_REDIS = REDIS_SERVER === null && !process.env.CI;
if (SKIP_REDIS) console.log('queue tests skipped: no redis-server on this machine (apt-get install redis-server)');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TestRedis {
  url: string;
  /** a client of the test's own, for asserting what is in Redis */
  client: Redis;
  /** SIGTERM (Redis writes its AOF and exits), wait, then start again on the same port and folder */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server in `dir` on a fresh port; with `aof`, every write is fsynced to the append-only file. */
export async function startRedis(dir: string, opts: { aof?: boolean; password?: string } = {}): Promise<TestRedis> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (apt-get install redis-server): CI needs it');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'no'];
  if (opts.aof) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  if (opts.password) args.push('--requirepass', opts.password);
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(REDIS_SERVER!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        log += d;
        if (log.includes('Ready to accept connections')) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log.slice(-500)}`)));
    });
  };
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await gone;
  };
  await launch();
  const url = `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  return {
    url,
    client,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      client.disconnect();
      await kill();
    },
  };
}

export interface Spawned {
  proc: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  /** resolves when a stdout line matches */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function mlpw(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  proc.stdout!.on('data', (d) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters])
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no line matching ${pattern} in ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${err}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

/** An agent process on the test's Redis; its first line says it is listening. */
export async function startAgent(url: string, name: string, extra: string[] = []): Promise<Spawned> {
  const agent = mlpw(['agent', '--queue', url, '--name', name, ...extra]);
  await agent.waitFor(/^agent .*training points queued/);
  return agent;
}

/** Stops an agent gracefully (SIGTERM: runs in flight finish) unless it is gone already. */
export async function stopAgent(agent: Spawned): Promise<void> {
  if (agent.proc.exitCode === null && agent.proc.signalCode === null) agent.proc.kill('SIGTERM');
  await agent.exited;
}

/** Polls `check` until it returns a value (not undefined); no wall-clock assertion, only a generous upper bound. */
export async function until<T>(check: () => T | undefined, what: string, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads a store file once, read-only, and closes it. */
export function withStore<T>(db: string, f: (s: RunStore) => T): T {
  const store = new RunStore(db, { readonly: true });
  try {
    return f(store);
  } finally {
    store.close();
  }
}

/**
 * One redis-server and a temporary folder for a test file, started before its tests and stopped after them with
 * every agent the file started through `agent` (nothing is started where the queue tests are skipped).
 */
export function redisForFile() {
  let tmp: ReturnType<typeof tempDir>;
  let redis: TestRedis;
  const agents: Spawned[] = [];
  beforeAll(async () => {
    if (SKIP_REDIS) return;
    tmp = tempDir();
    redis = await startRedis(tmp.file('redis'));
  });
  afterAll(async () => {
    if (SKIP_REDIS) return;
    await Promise.all(agents.splice(0).map(stopAgent));
    await redis.stop();
    tmp.cleanup();
  });
  return {
    get redis(): TestRedis {
      return redis;
    },
    get tmp(): ReturnType<typeof tempDir> {
      return tmp;
    },
    async agent(name: string, extra: string[] = []): Promise<Spawned> {
      const a = await startAgent(redis.url, name, extra);
      agents.push(a);
      return a;
    },
    /** a process (an agent or a coordinator the test spawned) to stop after the file, or at stopAll */
    track(p: Spawned): Spawned {
      agents.push(p);
      return p;
    },
    async stopAll(): Promise<void> {
      await Promise.all(agents.splice(0).map(stopAgent));
    },
  };
}
