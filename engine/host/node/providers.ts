// Backends and datasets available to the engine under Node; modules register themselves with
// engine/backends/select.ts and engine/data/builtin.ts when imported.
import './mnist.ts';
import './kernel-threads.ts';
import '../../backends/wasm/provider.ts';
