// Turns on WebAssembly relaxed SIMD in this Node process: Node 20's V8 (11.3) has it behind a flag, Chromium (and so
// Electron) and Node 22+ ship it. V8 reads the flag when a module validates or compiles, and worker threads share
// it, so this runs on import, before engine/backends/wasm/module.ts picks the fused multiply-add kernels.
import v8 from 'node:v8';
import { relaxedSimdSupported } from '../../backends/wasm/module.ts';

if (!relaxedSimdSupported()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
