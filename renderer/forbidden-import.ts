// Compile-time guard: renderer/tsconfig.json maps node:* and better-sqlite3 here, so importing anything from them
// in the renderer fails with "has no exported member" (the renderer is a sandboxed page; the store is behind the API).
export const RENDERER_CANNOT_IMPORT_NODE_MODULES = true;
