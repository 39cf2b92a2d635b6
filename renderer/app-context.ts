// What every view needs, provided once at the root: the WorkbenchApi and the training queue.
import { inject, type InjectionKey } from 'vue';
import type { WorkbenchApi } from '../api/workbench-api.ts';
import type { TrainingQueue } from './training/queue.ts';

export interface AppContext {
  api: WorkbenchApi;
  queue: TrainingQueue;
}

export const APP_CONTEXT: InjectionKey<AppContext> = Symbol('app-context');

export function useAppContext(): AppContext {
  const ctx = inject(APP_CONTEXT);
  if (!ctx) throw new Error('useAppContext() outside the app root');
  return ctx;
}
