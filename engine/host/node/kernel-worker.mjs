// Bootstraps a TypeScript kernel worker under Node: registers tsx's loader in this thread, then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./kernel-worker.ts');
