// A device lost mid-run ends the run as `failed` with the reason, through the same serveEngine the workers use.
import { expect, it } from 'vitest';
import { registerBackendProvider } from '../../engine/backends/select.ts';
import type { WebGpuBackend } from '../../engine/backends/webgpu/backend.ts';
import { webGpuProvider } from '../../engine/backends/webgpu/provider.ts';
import type { HostToWorker, WorkerToHost } from '../../engine/worker/protocol.ts';
import { serveEngine } from '../../engine/worker/runner.ts';

it('a device lost mid-run ends the run as failed with the reason', async () => {
  let backend: WebGpuBackend | null = null;
  // The real provider, keeping hold of the backend so the test can pull its device away.
  registerBackendProvider({
    name: 'webgpu',
    async create(config) {
      const made = await webGpuProvider.create(config);
      if ('backend' in made) backend = made.backend as WebGpuBackend;
      return made;
    },
  });
  const messages: WorkerToHost[] = [];
  let handler: ((m: HostToWorker) => void) | null = null;
  const finished = new Promise<WorkerToHost>((resolve) => {
    serveEngine({
      post(m) {
        messages.push(m);
        if (m.type === 'epoch' && m.metrics.epoch === 1) backend!.ctx.device.destroy();
        if (m.type === 'done' || m.type === 'failed') resolve(m);
      },
      onMessage: (h) => (handler = h),
    });
  });
  handler!({
    type: 'start',
    config: { dataset: { name: 'spiral', samples: 200 }, backend: 'webgpu', epochs: 20, batchSize: 16 },
    checkpoints: false,
  });
  const end = await finished;
  expect(end).toMatchObject({
    type: 'failed',
    error: { message: expect.stringMatching(/WebGPU device lost \(destroyed\)/) },
  });
  expect(messages.filter((m) => m.type === 'epoch')).toHaveLength(1);
});
