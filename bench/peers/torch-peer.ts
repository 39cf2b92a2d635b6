// PyTorch as a peer: finds a Python with torch (MLPW_BENCH_PYTHON, else python3 on PATH), writes one of our training
// jobs to a folder (data, initial weights, batch orders as raw little-endian arrays plus job.json) and drives
// bench/peers/torch_peer.py as one long-lived process over JSON lines, so that torch is imported once and rounds
// can interleave with ours.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PeerJob } from './jobs.ts';

const SCRIPT = fileURLToPath(new URL('torch_peer.py', import.meta.url));

/** A Python that imports torch and numpy, or why none was found (each candidate with its failure). */
export function findTorchPython(): { python: string; torch: string } | { reason: string } {
  const candidates = [process.env.MLPW_BENCH_PYTHON, 'python3'].filter((p): p is string => Boolean(p));
  const reasons: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import numpy, torch; print(torch.__version__)'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (probe.status === 0) return { python, torch: probe.stdout.trim() };
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    reasons.push(`${python}: ${why}`);
  }
  return { reason: `no Python with torch (set MLPW_BENCH_PYTHON): ${reasons.join('; ')}` };
}

/** Writes the job as job.json plus one raw file per array; returns the folder. */
export function writeJob(dir: string, job: PeerJob): string {
  mkdirSync(dir, { recursive: true });
  const raw = (file: string, a: Float32Array | Uint32Array) => {
    writeFileSync(join(dir, file), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return { file, dtype: a instanceof Float32Array ? 'float32' : 'uint32', length: a.length };
  };
  const orders = new Uint32Array(job.orders.length * job.n);
  job.orders.forEach((o, e) => orders.set(o, e * job.n));
  const manifest = {
    name: job.name,
    n: job.n,
    features: job.features,
    classes: job.classes,
    head: job.spec.head,
    loss: job.spec.loss,
    batchSize: job.batchSize,
    optimizer: job.spec.optimizer,
    x: raw('x.f32', job.x),
    labels: raw('labels.u32', job.labels),
    orders: raw('orders.u32', orders),
    layers: job.weights.map((w, l) => ({
      inputs: w.inputs,
      units: w.units,
      activation: w.activation,
      W: raw(`W${l}.f32`, w.W),
      b: raw(`b${l}.f32`, w.b),
    })),
  };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(manifest, null, 1));
  return dir;
}

const Ready = z.object({ ready: z.literal(true), torch: z.string(), mkl: z.boolean(), cores: z.number() });
const Failure = z.object({ error: z.string(), trace: z.string().optional() });
const Trained = z.object({
  epochSeconds: z.array(z.number()),
  epochLosses: z.array(z.number()),
  stepLosses: z.array(z.number()),
  threads: z.number(),
});
const Multiplied = z.object({ gflops: z.number(), threads: z.number() });
export type TorchTrained = z.infer<typeof Trained>;

/** One running torch_peer.py; requests are answered in order, one at a time. */
export class TorchPeer {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    private readonly rl: Interface,
    readonly info: z.infer<typeof Ready>,
    private readonly stderr: string[],
  ) {}

  static async start(python: string): Promise<TorchPeer> {
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
    const rl = createInterface({ input: child.stdout });
    const lines = rl[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done)
      throw new Error(`${SCRIPT} (${python}) exited before it was ready: ${stderr.join('').trim().slice(-400)}`);
    return new TorchPeer(child, lines, rl, Ready.parse(JSON.parse(first.value)), stderr);
  }

  private async ask(request: object): Promise<unknown> {
    this.child.stdin.write(JSON.stringify(request) + '\n');
    const line = await this.lines.next();
    if (line.done) throw new Error(`${SCRIPT} exited: ${this.stderr.join('').trim().slice(-400)}`);
    const answer: unknown = JSON.parse(line.value);
    const failed = Failure.safeParse(answer);
    if (failed.success) throw new Error(`${SCRIPT} on ${JSON.stringify(request)}: ${failed.data.error}`);
    return answer;
  }

  /** Trains the job in `dir` from its initial weights for `epochs` epochs on `threads` threads. */
  async train(dir: string, threads: number, epochs: number, stepLosses = 0): Promise<TorchTrained> {
    return Trained.parse(await this.ask({ job: dir, threads, epochs, stepLosses }));
  }

  /** torch.matmul GFLOP/s at n³ on `threads` threads. */
  async matmul(n: number, threads: number): Promise<number> {
    return Multiplied.parse(await this.ask({ matmul: n, threads })).gflops;
  }

  /** The Python process's id (bench/22-cpu-ceiling reads its CPU time). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    this.rl.close();
    this.child.stdin.end();
  }
}
