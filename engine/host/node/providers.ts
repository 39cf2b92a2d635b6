// Backends available to the engine under Node; modules register themselves with engine/backends/select.ts.
export {};
