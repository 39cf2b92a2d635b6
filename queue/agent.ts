// The agent side (`mlpw agent --queue URL`): a BullMQ worker that trains each queued point with the local engine in
// a worker thread, as `mlpw train` does, and reports every event to the sweep's stream for the coordinator. The agent
// keeps nothing itself; a killed agent's job is found stalled by another agent's BullMQ worker and retried there.
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { encodeSnapshot } from '../db/snapshot-codec.ts';
import { parseConfig } from '../engine/config.ts';
import { runInWorker } from '../engine/host/node/engine-client.ts';
import '../engine/host/node/mnist.ts'; // mnist is a built-in an agent may be asked to train
import type { RunSummary } from '../engine/types.ts';
import type { EngineRun, RunHandlers } from '../engine/worker/client.ts';
import { connect, keys, KEY_PREFIX, QUEUE_NAME, redisOptions, whenReachable } from './connection.ts';
import { DatasetCache } from './dataset-transfer.ts';
import { awaitVerdict, gatedTrialHandlers } from './asha-on-queue.ts';
import { entryFields, QueueJobSchema, type RunEvent } from './messages.ts';

export interface AgentOptions {
  url: string;
  name: string;
  concurrency: number;
  /** epochs per second per run, or null: as fast as possible (a demo, or a test that must catch a run mid-way) */
  epochsPerSecond?: number | null;
  /** BullMQ's job lock: an agent that stops renewing it for this long is taken for dead and its job retried */
  lockMs?: number;
  /** how often this agent looks for other agents' stalled jobs */
  stalledCheckMs?: number;
  /** how many times a point may be found stalled (its agent gone) and retried before it fails */
  maxStalled?: number;
  onLine(line: string): void;
}

export interface RunningAgent {
  /** waits for the runs in flight to finish, then disconnects */
  close(): Promise<void>;
}

export const DEFAULT_LOCK_MS = 30_000;
export const DEFAULT_MAX_STALLED = 2;

/** "RUN  LABEL  completed  12 epochs  cpu (wasm-simd)  best val_loss 0.1234 @ 9  1.2 s": one line per run. */
const lineFor = (runId: string, label: string, outcome: string) => [runId, label, outcome].filter(Boolean).join('  ');

function outcomeText(s: RunSummary, backend: string): string {
  const parts = [s.status, `${s.epochs} epochs`, backend];
  if (s.best?.valLoss != null) parts.push(`best val_loss ${s.best.valLoss.toPrecision(4)} @ ${s.best.epoch}`);
  parts.push(`${(s.durationMs / 1000).toFixed(1)} s`);
  return parts.join('  ');
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const connection = redisOptions(opts.url);
  // Events go out on their own connection, in order; BullMQ's worker blocks on its own.
  const events = connect(connection);
  try {
    await whenReachable(events, opts.url);
  } catch (e) {
    events.disconnect();
    throw e;
  }
  const datasets = new DatasetCache(events);
  const lockDuration = opts.lockMs ?? DEFAULT_LOCK_MS;
  /** closing: a trial waiting at a rung stops there (cancelled) instead of holding the agent open */
  let closing = false;

  async function train(job: Job): Promise<{ status: string }> {
    const parsed = QueueJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`job ${job.id} is not a sweep point: ${parsed.error.issues[0]?.message}`);
    const { sweepId, runId, label, config: input, datasetHash, rungs = [] } = parsed.data;
    // Each attempt has its own id: the coordinator keeps one attempt's events and drops a superseded one's.
    const attempt = `${opts.name}:${randomBytes(6).toString('hex')}`;
    const stream = keys.events(sweepId);
    const emit = async (event: RunEvent) => {
      await events.xadd(stream, '*', ...entryFields(runId, attempt, event));
    };
    const fail = async (error: string): Promise<never> => {
      await emit({ type: 'failed', agent: opts.name, error });
      opts.onLine(lineFor(runId, label, `failed  ${error}`));
      // The point's own failure (its config, the engine) fails the same way on every agent: not retried.
      throw new UnrecoverableError(error);
    };
    let config;
    try {
      config = parseConfig(input);
    } catch (e) {
      return fail((e as Error).message);
    }
    let dataset;
    try {
      dataset = datasetHash ? await datasets.get(datasetHash) : undefined;
    } catch (e) {
      return fail((e as Error).message);
    }
    let backendName = config.backend as string;
    let finished: RunSummary | undefined;
    const handlers: RunHandlers = {
      onStarted: (backend, data) => {
        backendName = backend.backend === 'cpu' ? `cpu (${backend.kernels})` : `webgpu (${backend.kernels})`;
        return emit({ type: 'started', agent: opts.name, backend, data });
      },
      onEpoch: (metrics) => emit({ type: 'epoch', metrics }),
      onCheckpoint: (kind, epoch, snapshot) => {
        const { model, weights } = encodeSnapshot(snapshot);
        return emit({ type: 'checkpoint', kind, epoch, model, weights: weights.toString('base64') });
      },
      // The summary as the handlers see it: a trial stopped at a rung finished completed and stopped early.
      onFinished: (s) => void (finished = s),
    };
    // ASHA: the run steps one epoch at a time and waits at each rung for the coordinator's decision (stop or go).
    const judged = rungs.length > 0;
    const run: EngineRun = runInWorker(
      config,
      judged
        ? gatedTrialHandlers(
            rungs,
            handlers,
            () => run,
            (epoch) => awaitVerdict(events, sweepId, runId, epoch, () => closing),
            opts.epochsPerSecond ?? null,
          )
        : handlers,
      { dataset, epochsPerSecond: opts.epochsPerSecond ?? null, paused: judged },
    );
    let summary: RunSummary;
    try {
      ({ summary } = await run.result);
      summary = finished ?? summary;
    } catch (e) {
      return fail((e as Error)?.message ?? String(e));
    }
    await emit({ type: 'finished', summary });
    opts.onLine(lineFor(runId, label, outcomeText(summary, backendName)));
    return { status: summary.status };
  }

  const worker = new Worker(QUEUE_NAME, train, {
    connection,
    prefix: KEY_PREFIX,
    concurrency: opts.concurrency,
    lockDuration,
    stalledInterval: opts.stalledCheckMs ?? lockDuration,
    maxStalledCount: opts.maxStalled ?? DEFAULT_MAX_STALLED,
  });
  worker.on('error', () => {}); // a lost connection: BullMQ reconnects and goes on
  await worker.waitUntilReady();
  return {
    async close() {
      closing = true;
      await worker.close();
      events.disconnect();
    },
  };
}
