// Entry of the fast CPU kernels. Memory is imported (shared between threads); the host allocates everything
// above heapBase(). Exports that end in (part, parts) are run by every thread on its own share.
export { gemm, gemmScratchBytes } from './gemm';
export { activationBackward } from './activations';
export { dropoutForward } from './dropout';
export { headForward, headLoss } from './losses';
export { optimizerStep } from './optimizers';
export { columnSums, gatherRows, sumOfSquares, sumOfSquaresBlocks } from './reductions';

/** First byte the host may use: past the module's own static data. */
export function heapBase(): usize {
  return __heap_base;
}
