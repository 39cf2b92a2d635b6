// Kernel worker threads under Node start from an esbuild bundle of kernel-worker.ts (no tsx loader in each worker),
// and fall back to the tsx bootstrap with MLPW_KERNEL_WORKER_BUNDLE=0: both give a split product bit for bit equal
// to one thread's, on real worker threads.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelWorkerStart } from '../../engine/host/node/kernel-threads.ts';
import { INIT, LAYOUT } from '../../engine/backends/wasm/kernel-abi.ts';
import { randomArray, runtime } from './wasm/helpers.ts';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** sha256 of C = A·B (97×53 · 53×61) on `threads` threads, every kernel split (minParallelWork 0). */
async function product(threads: number): Promise<{ hash: string; threads: number }> {
  const rt = await runtime(threads, 'simd');
  const [m, k, n] = [97, 53, 61];
  const a = rt.upload(randomArray(m * k, 1));
  const b = rt.upload(randomArray(k * n, 2));
  const c = rt.heap.alloc(m * n * 4);
  rt.gemm(LAYOUT.NN, m, n, k, a, k, b, n, c, n, INIT.ZERO);
  const hash = createHash('sha256')
    .update(new Uint8Array(rt.heap.memory.buffer, c, m * n * 4))
    .digest('hex');
  const started = rt.threads;
  rt.dispose();
  return { hash, threads: started };
}

describe('kernel workers from the bundle', () => {
  it('start from the bundle and split a product bit for bit as one thread computes it', async () => {
    const alone = await product(1);
    const team = await product(4);
    expect(kernelWorkerStart()).toBe('bundle');
    expect(team).toEqual({ hash: alone.hash, threads: 4 });
  });

  it('fall back to the tsx bootstrap with MLPW_KERNEL_WORKER_BUNDLE=0, with the same bits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpw-kernel-bundle-'));
    const file = join(dir, 'product.mts');
    writeFileSync(
      file,
      `import { kernelWorkerStart } from ${JSON.stringify(root('engine/host/node/kernel-threads.ts'))};
       import { INIT, LAYOUT } from ${JSON.stringify(root('engine/backends/wasm/kernel-abi.ts'))};
       import { createHash } from 'node:crypto';
       import { randomArray, runtime } from ${JSON.stringify(root('test/engine/wasm/helpers.ts'))};
       const rt = await runtime(4, 'simd');
       const [m, k, n] = [97, 53, 61];
       const a = rt.upload(randomArray(m * k, 1));
       const b = rt.upload(randomArray(k * n, 2));
       const c = rt.heap.alloc(m * n * 4);
       rt.gemm(LAYOUT.NN, m, n, k, a, k, b, n, c, n, INIT.ZERO);
       const hash = createHash('sha256').update(new Uint8Array(rt.heap.memory.buffer, c, m * n * 4)).digest('hex');
       console.log(JSON.stringify({ start: kernelWorkerStart(), threads: rt.threads, hash }));
       rt.dispose();`,
    );
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', file],
        { cwd: root('.'), timeout: 50_000, env: { ...process.env, MLPW_KERNEL_WORKER_BUNDLE: '0' } },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    ).finally(() => rmSync(dir, { recursive: true, force: true }));
    const alone = await product(1);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ start: 'tsx', threads: 4, hash: alone.hash });
  });
});
