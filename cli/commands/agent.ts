// `mlpw agent --queue redis://HOST:6379`: trains the sweep points queued on that Redis with the local engine, K at a
// time, one line per run; the coordinator's store records them. Ctrl-C lets the runs in flight finish, twice quits.
import { hostname } from 'node:os';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { startAgent, DEFAULT_LOCK_MS, DEFAULT_MAX_STALLED } from '../../queue/agent.ts';
import { redisOptions, shownUrl } from '../../queue/connection.ts';

const MAX_CONCURRENCY = 64;

export const agent: Command = {
  name: 'agent',
  summary: 'train sweep points queued on a Redis (mlpw sweep --queue) with this machine’s engine',
  usage: `mlpw agent --queue redis://[:PASSWORD@]HOST[:PORT][/DB] [--concurrency K] [--name NAME]
  --queue URL          the Redis the coordinator queues on (rediss:// for TLS); the same URL as mlpw sweep --queue
  --concurrency K      runs trained at once, each in its own engine worker thread (default 1)
  --name NAME          how the coordinator's store names this agent ("running on NAME"; default: the host name and pid)
  --lock-ms MS         an agent silent this long is taken for dead and its point retried elsewhere (default ${DEFAULT_LOCK_MS})
  --max-stalled N      times a point may lose its agent and be retried before it fails (default ${DEFAULT_MAX_STALLED})
  --epochs-per-second F   pace every run (a demo; default: as fast as possible)`,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      {
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        name: { type: 'string' },
        'lock-ms': { type: 'string' },
        'max-stalled': { type: 'string' },
        'epochs-per-second': { type: 'string' },
      },
      false,
    );
    if (!values.queue) throw new UsageError('--queue: required (redis://HOST:6379, the URL mlpw sweep --queue uses)');
    redisOptions(values.queue); // a bad URL is a usage error before anything connects
    const concurrency = intFlag('concurrency', values.concurrency) ?? 1;
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY)
      throw new UsageError(`--concurrency: expected 1 to ${MAX_CONCURRENCY}, got ${concurrency}`);
    const name = values.name ?? `${hostname()}-${process.pid}`;
    if (!/^[\w.@-]{1,64}$/.test(name))
      throw new UsageError(`--name: expected 1 to 64 letters, digits or . _ @ -, got "${name.slice(0, 80)}"`);
    const lockMs = intFlag('lock-ms', values['lock-ms']);
    if (lockMs !== undefined && (lockMs < 1_000 || lockMs > 3_600_000))
      throw new UsageError(`--lock-ms: expected 1000 to 3600000, got ${lockMs}`);
    const maxStalled = intFlag('max-stalled', values['max-stalled']);
    if (maxStalled !== undefined && (maxStalled < 0 || maxStalled > 100))
      throw new UsageError(`--max-stalled: expected 0 to 100, got ${maxStalled}`);
    const pace = numberFlag('epochs-per-second', values['epochs-per-second']);
    if (pace !== undefined && !(pace > 0)) throw new UsageError(`--epochs-per-second: expected > 0, got ${pace}`);

    const running = await startAgent({
      url: values.queue,
      name,
      concurrency,
      lockMs,
      maxStalled,
      epochsPerSecond: pace ?? null,
      onLine: (line) => ctx.stdout.write(line + '\n'),
    });
    ctx.stdout.write(`agent ${name}: training points queued on ${shownUrl(values.queue)}, ${concurrency} at a time\n`);
    // Runs until stopped: the first Ctrl-C (or SIGTERM) lets the runs in flight finish and report, a second quits.
    await new Promise<void>((resolve) => {
      let stops = 0;
      const stop = () => {
        if (++stops > 1) process.exit(130);
        ctx.stdout.write(`agent ${name}: stopping after the runs in flight (Ctrl-C again to quit at once)\n`);
        void running.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
