// The one list of WebGPU kernels: every program factory the backend dispatches, by name. The conformance suite
// (test/browser/kernels.test.ts) runs each of them against the CPU reference.
import { activationBackwardProgram } from './activation-backward.ts';
import { columnSumProgram } from './column-sum.ts';
import { distillProgram } from './distill.ts';
import { dropoutProgram } from './dropout.ts';
import { gatherProgram } from './gather.ts';
import { lossProgram } from './loss.ts';
import { matmulProgram } from './matmul.ts';
import { optimizerProgram } from './optimizer.ts';
import { reduceSumsProgram } from './reduce-sums.ts';
import { foldSquaresProgram, sumOfSquaresProgram } from './sum-of-squares.ts';

export const KERNELS = {
  matmul: matmulProgram,
  activationBackward: activationBackwardProgram,
  dropout: dropoutProgram,
  columnSum: columnSumProgram,
  gather: gatherProgram,
  loss: lossProgram,
  distill: distillProgram,
  reduceSums: reduceSumsProgram,
  optimizer: optimizerProgram,
  sumOfSquares: sumOfSquaresProgram,
  foldSquares: foldSquaresProgram,
} as const;

export type KernelName = keyof typeof KERNELS;
