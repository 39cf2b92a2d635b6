// Engine workers kept between runs under Node: starting one (a thread, tsx, the engine's modules compiled) costs
// ~0.9 s at load 7, a tiny net's epoch ~3 ms. A run takes an idle worker or starts one; a worker whose run ended
// with `done` (the runner reset its state before posting it) waits idle for the next, unref'd so it never keeps the
// process alive, and is terminated after IDLE_MS. Any other end (the engine's failure, a crash, a cancel while rows
// were loading, a handler's error) terminates the worker, so no run inherits another's state.
import { Worker } from 'node:worker_threads';
import type { EngineWorkerPort } from '../../worker/client.ts';
import { EngineError } from '../../worker/client.ts';
import type { HostToWorker, WorkerToHost } from '../../worker/protocol.ts';

export interface EnginePoolOptions {
  /** how long an idle worker waits for another run before it is terminated */
  idleMs?: number;
  /** idle workers kept at most (more finish at once under `--parallel`: the rest are terminated) */
  maxIdle?: number;
  /** runs a worker trains before it is retired anyway (bounds whatever a long-lived thread accumulates) */
  maxRuns?: number;
}

interface Slot {
  worker: Worker;
  runs: number;
  dead: boolean;
  /** the run using it; null while idle (a stray message then has nobody to go to and is dropped) */
  lease: { message?: (m: WorkerToHost) => void; failure?: (e: Error) => void } | null;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export class EngineWorkerPool {
  private readonly idle: Slot[] = [];
  private readonly idleMs: number;
  private readonly maxIdle: number;
  private readonly maxRuns: number;
  /** workers started and runs served by a reused one (tests and the bench read them) */
  readonly counts = { started: 0, reused: 0 };

  constructor(
    private readonly url: URL,
    options: EnginePoolOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 10_000;
    this.maxIdle = options.maxIdle ?? 8;
    this.maxRuns = options.maxRuns ?? 200;
  }

  /** A worker for one run: an idle one (the most recently used) or a fresh one. */
  acquire(): EngineWorkerPort {
    let slot: Slot | undefined;
    while ((slot = this.idle.pop()) && slot.dead);
    if (slot) {
      clearTimeout(slot.idleTimer);
      slot.worker.ref();
      this.counts.reused++;
    } else slot = this.start();
    const lease: NonNullable<Slot['lease']> = {};
    slot.lease = lease;
    const own = () => slot.lease === lease && !slot.dead;
    return {
      post: (message: HostToWorker, transfer?: ArrayBufferLike[]) => {
        if (own()) slot.worker.postMessage(message, transfer as ArrayBuffer[] | undefined);
      },
      onMessage: (handler) => void (lease.message = handler),
      onFailure: (handler) => void (lease.failure = handler),
      terminate: () => {
        if (own()) this.retire(slot);
      },
      release: () => {
        if (own()) this.park(slot);
      },
    };
  }

  /** Terminates every idle worker now (a busy one ends with its run). */
  close(): void {
    for (const slot of this.idle.splice(0)) this.retire(slot);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(this.url), runs: 0, dead: false, lease: null };
    this.counts.started++;
    const { worker } = slot;
    worker.on('message', (m: WorkerToHost) => slot.lease?.message?.(m));
    const died = (error: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      clearTimeout(slot.idleTimer);
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      slot.lease?.failure?.(error);
      slot.lease = null;
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new EngineError('worker_exit', `engine worker exited with code ${code}`)));
    return slot;
  }

  private park(slot: Slot): void {
    slot.lease = null;
    slot.runs++;
    if (slot.runs >= this.maxRuns || this.idle.length >= this.maxIdle) return this.retire(slot);
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      this.retire(slot);
    }, this.idleMs);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  private retire(slot: Slot): void {
    slot.dead = true;
    slot.lease = null;
    clearTimeout(slot.idleTimer);
    void slot.worker.terminate();
  }
}
