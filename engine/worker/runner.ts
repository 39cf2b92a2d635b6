// The engine side of the worker protocol, independent of the host: wire it to a MessagePortLike and it trains
// one run per `start`, one run after another (a host may pool its workers), reporting every epoch, and stops on
// `cancel`; `pause`, `play`, `step` and `speed` drive its RunGate (when the next step runs, never what it computes).
// An imported dataset comes whole with `start` or before it in chunks (datasetBegin, datasetChunk…), assembled here
// into one copy of its rows.
import { parseConfig } from '../config.ts';
import { createBackend } from '../backends/select.ts';
import { loadBuiltinDataset } from '../data/builtin.ts';
import { train } from '../trainer.ts';
import { toWireError } from '../wire-error.ts';
import { assembleDataset, type DatasetAssembly } from './dataset-assembly.ts';
import { RunGate } from './run-gate.ts';
import type { HostToWorker, MessagePortLike, WorkerToHost } from './protocol.ts';

export interface ServeOptions {
  /** a host's async work before a built-in is generated (the browser fetches MNIST's pixels) */
  prepareDataset?(name: string): Promise<void> | void;
}

export function serveEngine(port: MessagePortLike<HostToWorker, WorkerToHost>, options: ServeOptions = {}): void {
  let cancelled = false;
  let running = false;
  // The run's play/pause/step/pace state; a control message between runs is ignored.
  let gate: RunGate | null = null;
  let streamed: DatasetAssembly | null = null;
  // A bad chunk is reported when the run starts (the host is still sending; one failure, in order).
  let streamError: unknown = null;
  port.onMessage((msg) => {
    switch (msg.type) {
      case 'cancel':
        cancelled = true;
        gate?.cancel();
        return;
      case 'pause':
        gate?.pause();
        return;
      case 'play':
        gate?.play();
        return;
      case 'step':
        gate?.step(msg.unit === 'batch' ? 'batch' : 'epoch');
        return;
      case 'speed':
        try {
          gate?.setSpeed(msg.epochsPerSecond);
        } catch (e) {
          port.post({ type: 'failed', error: toWireError(e, 'invalid_message') });
          gate?.cancel();
        }
        return;
      case 'datasetBegin':
        streamError = null;
        try {
          streamed = assembleDataset(msg.header);
        } catch (e) {
          streamed = null;
          streamError = e;
        }
        return;
      case 'datasetChunk':
        if (streamError) return;
        try {
          if (!streamed) throw new Error('datasetChunk before datasetBegin');
          streamed.add(msg);
        } catch (e) {
          streamError = e;
        }
        return;
      case 'start':
        if (running) {
          port.post({ type: 'failed', error: { code: 'busy', message: 'this worker is already training a run' } });
          return;
        }
        running = true;
        cancelled = false;
        void run(msg).finally(() => {
          running = false;
        });
    }
  });

  async function run(msg: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
    try {
      const config = parseConfig(msg.config);
      if (streamError) throw streamError;
      let dataset = msg.dataset ?? streamed?.finish();
      streamed = null; // the trainer holds the rows from here; a later run streams its own
      if (!dataset) {
        await options.prepareDataset?.(config.dataset.name);
        dataset = loadBuiltinDataset(config.dataset);
      }
      const runGate = new RunGate((at, snapshot) => port.post({ type: 'paused', at, snapshot }), {
        paused: msg.paused,
        epochsPerSecond: msg.epochsPerSecond,
      });
      const backend = await createBackend(config);
      gate = runGate;
      let result;
      try {
        result = await train(
          config,
          dataset,
          backend,
          {
            onStart: ({ backend: info, data }) => port.post({ type: 'started', backend: info, data }),
            onEpoch: (metrics) => port.post({ type: 'epoch', metrics }),
            onProgress: (p) => port.post({ type: 'progress', ...p }),
            onCheckpoint: (kind, epoch, snapshot) => {
              if (msg.checkpoints !== false) port.post({ type: 'checkpoint', kind, epoch, snapshot });
            },
            shouldCancel: () => cancelled,
            gate: runGate,
          },
          // The teacher runs on a backend of the student's kind, made for it and disposed once its logits are in.
          { teacher: msg.teacher && { snapshot: msg.teacher, backend: () => createBackend(config) } },
        );
      } finally {
        gate = null;
        backend.dispose();
      }
      reset();
      // The run's last message, posted once nothing of it is left here: a pooling host reuses this worker after it.
      port.post({ type: 'done', summary: result.summary, backend: result.backend, data: result.data });
    } catch (e) {
      reset();
      port.post({ type: 'failed', error: toWireError(e, 'engine_error') });
    }
  }

  /** Forgets everything of the run that ended (its gate, stream, cancel) so the next `start` begins from scratch. */
  function reset(): void {
    gate = null;
    streamed = null;
    streamError = null;
    cancelled = false;
  }
}
