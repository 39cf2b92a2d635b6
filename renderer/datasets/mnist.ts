// The built-in `mnist` in the page: registered at once (so the Designer lists and validates it) with an empty stand-in
// of the right shape, and its digits fetched when a design first shows it (the preview's grid). The engine worker
// fetches its own copy for a run (engine/host/browser/mnist.ts), so the page never sends the pixels anywhere.
import { markRaw } from 'vue';
import { registerDataset } from '../../engine/data/builtin.ts';
import { MNIST_DESCRIPTION, MNIST_PIXELS, mnistDataset } from '../../engine/data/mnist.ts';
import { loadMnistDigits } from '../../engine/host/browser/mnist.ts';
import type { Dataset } from '../../engine/types.ts';
import { datasetLoads, datasetsVersion } from './imported.ts';

let digits: Dataset | null = null;
let pending: Promise<Dataset> | null = null;

const standIn = (): Dataset => ({
  name: 'mnist',
  task: 'classification',
  n: 0,
  features: MNIST_PIXELS,
  outputs: 10,
  x: new Float32Array(0),
  labels: new Uint32Array(0),
  classLabels: Array.from({ length: 10 }, (_, k) => String(k)),
});

registerDataset({
  name: 'mnist',
  description: MNIST_DESCRIPTION,
  task: 'classification',
  generated: false,
  generate: () => digits ?? standIn(),
});

/** Fetches the digits for the preview, once; the Designer's dataset registry then generates them. */
export function loadMnistPreview(): Promise<Dataset> {
  if (digits) return Promise.resolve(digits);
  if (!pending) {
    datasetLoads.value = { ...datasetLoads.value, mnist: { state: 'loading' } };
    pending = loadMnistDigits().then(
      (raw) => {
        digits = markRaw(mnistDataset(raw));
        const { mnist: _, ...rest } = datasetLoads.value;
        datasetLoads.value = rest;
        datasetsVersion.value++;
        return digits;
      },
      (e: unknown) => {
        pending = null;
        datasetLoads.value = { ...datasetLoads.value, mnist: { state: 'failed', error: (e as Error).message } };
        throw e;
      },
    );
  }
  return pending;
}
