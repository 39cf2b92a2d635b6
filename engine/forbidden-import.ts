// Compile-time guard: engine/tsconfig.json and db/tsconfig.json map electron, vue and (for the engine)
// better-sqlite3 here, so importing anything from them fails with "has no exported member". The engine runs in any
// worker; the store runs in any Node host (CLI, server, Electron main) and knows nothing of windows or components.
export const LAYER_CANNOT_IMPORT_THIS_MODULE = true;
