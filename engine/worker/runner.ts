// The engine side of the worker protocol, independent of the host: wire it to a MessagePortLike and it trains
// one run per `start`, reporting every epoch, and stops on `cancel`.
import { parseConfig } from '../config.ts';
import { createBackend } from '../backends/select.ts';
import { loadBuiltinDataset } from '../data/builtin.ts';
import { train } from '../trainer.ts';
import { toWireError } from '../wire-error.ts';
import type { HostToWorker, MessagePortLike, WorkerToHost } from './protocol.ts';

export function serveEngine(port: MessagePortLike<HostToWorker, WorkerToHost>): void {
  let cancelled = false;
  let running = false;
  port.onMessage((msg) => {
    if (msg.type === 'cancel') {
      cancelled = true;
      return;
    }
    if (msg.type === 'start') {
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
      const dataset = msg.dataset ?? loadBuiltinDataset(config.dataset);
      const backend = await createBackend(config);
      try {
        const result = await train(config, dataset, backend, {
          onStart: ({ backend: info, data }) => port.post({ type: 'started', backend: info, data }),
          onEpoch: (metrics) => port.post({ type: 'epoch', metrics }),
          onProgress: (p) => port.post({ type: 'progress', ...p }),
          onCheckpoint: (kind, epoch, snapshot) => {
            if (msg.checkpoints !== false) port.post({ type: 'checkpoint', kind, epoch, snapshot });
          },
          shouldCancel: () => cancelled,
        });
        port.post({ type: 'done', summary: result.summary, backend: result.backend, data: result.data });
      } finally {
        backend.dispose();
      }
    } catch (e) {
      port.post({ type: 'failed', error: toWireError(e, 'engine_error') });
    }
  }
}
