// Bootstraps the TypeScript loss-surface worker under Node: registers tsx's loader in this thread, then loads it.
import { register } from 'tsx/esm/api';

register();
await import('./loss-surface-worker.ts');
