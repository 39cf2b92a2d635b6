// The contract between the TypeScript host and the WebAssembly kernels (assembly/*.ts): export signatures, the
// codes passed for activations, heads, losses and optimizers, and the control block threads synchronise on.
// Pointers are byte offsets into the shared memory; kernels that end in (part, parts) run on every thread.
import type { Activation, ResolvedHead, ResolvedLoss } from '../../config.ts';
import type { OptimizerConfig } from '../../model/optimizers.ts';

type Ptr = number;

export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(
    layout: number,
    m: number,
    n: number,
    k: number,
    A: Ptr,
    lda: number,
    B: Ptr,
    ldb: number,
    C: Ptr,
    ldc: number,
    init: number,
    bias: Ptr,
    act: number,
    out: Ptr,
    scratch: Ptr,
    part: number,
    parts: number,
  ): void;
  activationBackward(
    act: number,
    Z: Ptr,
    A: Ptr,
    dA: Ptr,
    mask: Ptr,
    dZ: Ptr,
    n: number,
    units: number,
    part: number,
    parts: number,
  ): void;
  dropoutForward(
    A: Ptr,
    mask: Ptr,
    D: Ptr,
    n: number,
    units: number,
    rate: number,
    seed: number,
    step: number,
    layer: number,
    part: number,
    parts: number,
  ): void;
  headForward(head: number, Z: Ptr, P: Ptr, n: number, k: number): void;
  headLoss(
    head: number,
    loss: number,
    Z: Ptr,
    P: Ptr,
    n: number,
    k: number,
    labels: Ptr,
    targets: Ptr,
    dZ: Ptr,
    scale: number,
    out: Ptr,
  ): number;
  optimizerStep(
    type: number,
    w: Ptr,
    g: Ptr,
    s0: Ptr,
    s1: Ptr,
    count: number,
    decayCount: number,
    lr: number,
    weightDecay: number,
    momentum: number,
    nesterov: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    c1: number,
    c2: number,
    part: number,
    parts: number,
  ): void;
  columnSums(dZ: Ptr, db: Ptr, n: number, units: number, part: number, parts: number): void;
  gatherRows(src: Ptr, index: Ptr, dst: Ptr, n: number, rowBytes: number, part: number, parts: number): void;
  /** Σ x² over `count` floats, in f64; one thread. */
  sumOfSquares(x: Ptr, count: number): number;
  /** out[b] (f64) = Σ x² over block b of `table`'s (ptr, count) u32 pairs, blocks split across the threads. */
  sumOfSquaresBlocks(table: Ptr, blocks: number, out: Ptr, part: number, parts: number): void;
}

/** Kernels every thread runs on its share; the index is the command number in the control block. */
export const PARALLEL_KERNELS = [
  'gemm',
  'activationBackward',
  'dropoutForward',
  'optimizerStep',
  'columnSums',
  'gatherRows',
  'sumOfSquaresBlocks',
] as const;
export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];

export const LAYOUT = { NN: 0, TN: 1, NT: 2 } as const;
export const INIT = { ZERO: 0, BIAS: 1, LOAD: 2 } as const;
export const ACT_NONE = -1;
export const ACTIVATION_CODES: Record<Activation, number> = {
  identity: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  leaky_relu: 4,
  gelu: 5,
};
export const HEAD_CODES: Record<ResolvedHead, number> = { identity: 0, sigmoid: 1, softmax: 2 };
export const LOSS_CODES: Record<ResolvedLoss, number> = { cross_entropy: 0, binary_cross_entropy: 1, mse: 2 };
export const OPTIMIZER_CODES: Record<OptimizerConfig['type'], number> = { sgd: 0, momentum: 1, adam: 2 };

/**
 * Control block (Int32 slots, then f64 arguments): the host bumps GEN after writing CMD and the arguments; each
 * worker runs its part and adds 1 to DONE; ERROR is set by a worker whose kernel threw. CMD −1 tells workers to exit.
 */
export const CTRL = { GEN: 0, DONE: 1, CMD: 2, ARGC: 3, ERROR: 4 } as const;
export const CTRL_INTS = 16;
export const CTRL_ARGS_OFFSET = CTRL_INTS * 4;
export const CTRL_MAX_ARGS = 24;
export const CTRL_BYTES = CTRL_ARGS_OFFSET + CTRL_MAX_ARGS * 8;
export const CMD_EXIT = -1;
/** Polls of the control block before a thread sleeps in Atomics.wait (dispatches come every few µs in a step). */
export const SPIN_POLLS = 20_000;

/** Imports the kernels expect besides the memory. */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm kernel aborted');
      },
    },
  };
}
