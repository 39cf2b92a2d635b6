// Kernel worker threads under Node (worker_threads), registered with the wasm backend. A worker is unref'd once
// ready (not before: the host awaits that message), so a backend that is never disposed does not keep the process alive.
import './wasm-features.ts';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { registerKernelWorkerHost, type KernelWorkerReply } from '../../backends/wasm/threads.ts';

const WORKER_URL = new URL('./kernel-worker.mjs', import.meta.url);

/**
 * The kernel worker as one esbuild bundle (CommonJS, run with `eval`: no file), made once per thread that starts
 * teams: a worker that runs it starts in about half the time of the tsx bootstrap (294–617 vs 596–1,913 ms for a
 * team of 2 at load 8), because it registers no loader. Where esbuild is absent (it is a devDependency) or fails,
 * the tsx bootstrap; MLPW_KERNEL_WORKER_BUNDLE=0 asks for it too.
 */
let bundled: string | null | undefined;

function startWorker(): Worker {
  if (bundled === undefined) bundled = process.env.MLPW_KERNEL_WORKER_BUNDLE === '0' ? null : bundle();
  return bundled === null ? new Worker(WORKER_URL) : new Worker(bundled, { eval: true });
}

/** How this thread starts kernel workers: from the bundle, or through tsx (none started yet: null). */
export function kernelWorkerStart(): 'bundle' | 'tsx' | null {
  return bundled === undefined ? null : bundled === null ? 'tsx' : 'bundle';
}

function bundle(): string | null {
  try {
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const { outputFiles } = buildSync({
      entryPoints: [fileURLToPath(new URL('./kernel-worker.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    return outputFiles[0]!.text;
  } catch {
    return null;
  }
}

registerKernelWorkerHost({
  cores: os.availableParallelism(),
  spawn() {
    const worker = startWorker();
    return {
      post: (message) => worker.postMessage(message),
      onMessage(handler: (m: KernelWorkerReply) => void) {
        worker.on('message', (m: KernelWorkerReply) => {
          if (m.type === 'ready') worker.unref();
          handler(m);
        });
        worker.on('error', (e) => handler({ type: 'failed', message: e.message }));
      },
      terminate: () => void worker.terminate(),
    };
  },
});
