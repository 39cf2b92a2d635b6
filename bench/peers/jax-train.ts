// jax-js's side of a peer job, in any host (Node's bench and tests, and the WebGPU bench's page): the job's softmax
// MLP written as a user of jax-js would (valueAndGrad of the mean cross-entropy, one jit-compiled SGD step), trained
// on the job's data, initial weights and batch order on jax-js's default device.
import type { Array as JaxArray } from '@jax-js/jax';
import type { PeerJob } from './jobs.ts';

export type Jax = typeof import('@jax-js/jax');
/** What jax-js needs of a job (the page builds it without the prepared splits). */
export type JaxJob = Pick<
  PeerJob,
  'n' | 'features' | 'classes' | 'batchSize' | 'x' | 'labels' | 'weights' | 'orders'
> & {
  spec: Pick<PeerJob['spec'], 'optimizer'>;
};

type Params = { W: JaxArray[]; b: JaxArray[] };

/** A jit-compiled SGD step of the job's softmax MLP: (params, x, one-hot y) → [new params, mean loss]. */
function sgdStep(jax: Jax, job: JaxJob) {
  const { numpy: np, nn } = jax;
  const layers = job.weights.length;
  const lr = job.spec.optimizer.lr;
  const activation = (a: string, h: JaxArray) => {
    if (a === 'relu') return nn.relu(h);
    if (a === 'tanh') return np.tanh(h);
    if (a === 'identity') return h;
    throw new Error(`layer activation ${a}: the jax-js peer knows relu, tanh, identity`);
  };
  const loss = (p: Params, x: JaxArray, y: JaxArray) => {
    const n = x.shape[0]!;
    let h = x;
    for (let l = 0; l < layers; l++) h = activation(job.weights[l]!.activation, np.matmul(h, p.W[l]!).add(p.b[l]!));
    return nn
      .logSoftmax(h, -1)
      .mul(y)
      .sum()
      .mul(-1 / n);
  };
  return jax.jit((p: Params, x: JaxArray, y: JaxArray): [Params, JaxArray] => {
    const [value, g] = jax.valueAndGrad(loss)({ W: p.W.map((w) => w.ref), b: p.b.map((b) => b.ref) }, x, y);
    const next = { W: p.W.map((w, l) => w.sub(g.W[l]!.mul(lr))), b: p.b.map((b, l) => b.sub(g.b[l]!.mul(lr))) };
    return [next, value];
  });
}

/** Trains the job (SGD only) for `epochs` epochs from its initial weights; per epoch its seconds and mean loss,
 *  and the loss of each of the first `steps` steps. */
export async function jaxTrain(
  jax: Jax,
  job: JaxJob,
  epochs: number,
  steps = 0,
): Promise<{ epochSeconds: number[]; epochLosses: number[]; stepLosses: number[] }> {
  if (job.spec.optimizer.type !== 'sgd') throw new Error(`optimizer.type ${job.spec.optimizer.type}: jax-js peer: sgd`);
  const np = jax.numpy;
  const step = sgdStep(jax, job);
  let p: Params = {
    W: job.weights.map((w) => np.array(w.W).reshape([w.inputs, w.units])),
    b: job.weights.map((w) => np.array(w.b)),
  };
  const { features: f, classes: k, batchSize } = job;
  const xb = new Float32Array(batchSize * f);
  const yb = new Float32Array(batchSize * k);
  const epochSeconds: number[] = [];
  const epochLosses: number[] = [];
  const stepLosses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const order = job.orders[e]!;
    const t0 = performance.now();
    const values: JaxArray[] = [];
    const sizes: number[] = [];
    for (let s = 0; s < job.n; s += batchSize) {
      const m = Math.min(batchSize, job.n - s);
      yb.fill(0);
      for (let i = 0; i < m; i++) {
        const r = order[s + i]!;
        xb.set(job.x.subarray(r * f, r * f + f), i * f);
        yb[i * k + job.labels[r]!] = 1;
      }
      const x = np.array(xb.slice(0, m * f)).reshape([m, f]);
      const y = np.array(yb.slice(0, m * k)).reshape([m, k]);
      const [next, value] = step(p, x, y);
      p = next;
      if (stepLosses.length < steps) stepLosses.push((await value.ref.data())[0]!);
      values.push(value);
      sizes.push(m);
    }
    let lossSum = 0;
    for (let i = 0; i < values.length; i++) lossSum += (await values[i]!.data())[0]! * sizes[i]!;
    epochSeconds.push((performance.now() - t0) / 1000);
    epochLosses.push(lossSum / job.n);
  }
  step.dispose();
  for (const a of [...p.W, ...p.b]) a.dispose();
  return { epochSeconds, epochLosses, stepLosses };
}
