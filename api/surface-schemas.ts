// The loss surface's methods of the WorkbenchApi: inputs (spread into API_INPUTS) and what they resolve to (ApiOutputs
// extends SurfaceOutputs). A request starts a job on the store host (api/store-surface.ts), the page polls it for
// progress and may cancel it; a surface already stored with the same options is answered at once.
import { z } from 'zod';
import type { LossSurface } from '../insight/loss-surface-types.ts';

const RunId = z.string().trim().min(1).max(64);
/** checked against insight's SurfaceOptionsSchema by the handler, which names the field (grid must be odd, …) */
const Options = {
  grid: z.number().optional(),
  range: z.number().optional(),
  seed: z.number().optional(),
  plane: z.enum(['random', 'trajectory']).optional(),
};
const JobId = z.string().uuid();
export const SURFACE_INPUTS = {
  /** the stored surface with these options (grid 41, range 1, seed 1 unless given), or null */
  lossSurface: z.strictObject({ id: RunId, ...Options }),
  /** starts computing (or answers with the stored one: a job already done); force computes anew */
  startLossSurface: z.strictObject({ id: RunId, ...Options, force: z.boolean().optional() }),
  lossSurfaceJob: z.strictObject({ job: JobId }),
  cancelLossSurface: z.strictObject({ job: JobId }),
} as const;

export type SurfaceJob =
  | { state: 'running'; done: number; total: number }
  | { state: 'done'; surface: LossSurface; artifactId: number; reused: boolean }
  | { state: 'failed'; message: string }
  | { state: 'cancelled' };

export interface SurfaceOutputs {
  lossSurface: (LossSurface & { artifactId: number }) | null;
  startLossSurface: { job: string };
  lossSurfaceJob: SurfaceJob;
  cancelLossSurface: void;
}
