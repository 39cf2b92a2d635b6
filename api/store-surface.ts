// The loss-surface jobs on the store host: each runs insight/node/loss-surface-run.ts (a worker thread) and is polled
// by the page; a finished one is kept for a while so the page's last poll still finds it.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { RunStore } from '../db/run-store.ts';
import { SurfaceCancelledError, SurfaceOptionsSchema, type LossSurfaceOptions } from '../insight/loss-surface.ts';
import { runLossSurface, storedSurface } from '../insight/node/loss-surface-run.ts';
import { ApiError } from './errors.ts';
import type { SURFACE_INPUTS, SurfaceJob, SurfaceOutputs } from './surface-schemas.ts';

type In<K extends keyof typeof SURFACE_INPUTS> = z.output<(typeof SURFACE_INPUTS)[K]>;

/** A finished job is forgotten this long after it ended (the page reads it within a poll or two). */
const KEEP_FINISHED_MS = 10 * 60_000;

function options(input: { grid?: number; range?: number; seed?: number; plane?: string }): LossSurfaceOptions {
  const parsed = SurfaceOptionsSchema.safeParse({
    grid: input.grid,
    range: input.range,
    seed: input.seed,
    plane: input.plane,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ApiError('invalid_argument', `${String(issue.path[0])}: ${issue.message}`, String(issue.path[0]));
}

export function createSurfaceHandlers(store: RunStore) {
  const jobs = new Map<string, { state: SurfaceJob; cancel: () => void }>();
  const finish = (job: string, state: SurfaceJob) => {
    const entry = jobs.get(job);
    if (!entry) return;
    entry.state = state;
    setTimeout(() => jobs.delete(job), KEEP_FINISHED_MS).unref?.();
  };
  const found = (job: string) => {
    const entry = jobs.get(job);
    if (!entry)
      throw new ApiError('invalid_argument', `no loss-surface job ${job} (finished long ago, or never)`, 'job');
    return entry;
  };
  return {
    lossSurface: (input: In<'lossSurface'>): SurfaceOutputs['lossSurface'] => {
      const kept = storedSurface(store, input.id, options(input));
      return kept && { ...kept.surface, artifactId: kept.artifact.id };
    },
    startLossSurface: (input: In<'startLossSurface'>): SurfaceOutputs['startLossSurface'] => {
      const chosen = options(input);
      store.getRun(input.id); // an unknown run is an error now, not a failed job
      const job = randomUUID();
      let stop!: () => void;
      const cancelled = new Promise<void>((resolve) => (stop = resolve));
      jobs.set(job, { state: { state: 'running', done: 0, total: 0 }, cancel: stop });
      runLossSurface(store, input.id, chosen, {
        force: input.force,
        cancelled,
        onProgress: (done, total) => {
          const entry = jobs.get(job);
          if (entry?.state.state === 'running') entry.state = { state: 'running', done, total };
        },
      }).then(
        (r) => finish(job, { state: 'done', surface: r.surface, artifactId: r.artifact.id, reused: r.reused }),
        (e: unknown) =>
          finish(
            job,
            e instanceof SurfaceCancelledError
              ? { state: 'cancelled' }
              : { state: 'failed', message: (e as Error)?.message ?? String(e) },
          ),
      );
      return { job };
    },
    lossSurfaceJob: ({ job }: In<'lossSurfaceJob'>): SurfaceJob => found(job).state,
    cancelLossSurface: ({ job }: In<'cancelLossSurface'>): void => found(job).cancel(),
  };
}
