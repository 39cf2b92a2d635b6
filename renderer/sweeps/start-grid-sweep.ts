// Starts a grid sweep from the app: the store records the sweep with one queued run per grid point, and this window's
// training queue takes them in grid order. The sweep builder and the depth-vs-width study both start sweeps here.
import type { ExperimentConfig } from '../../engine/config.ts';
import { expandGrid, type GridAxis } from '../../engine/experiment/index.ts';
import type { AppContext } from '../app-context.ts';

/** Records and queues the sweep; resolves to its id (a bad point throws the GridError expandGrid names it with). */
export async function startGridSweep(
  { api, queue }: AppContext,
  base: ExperimentConfig,
  grid: readonly GridAxis[],
  /** `--early-stop` text (asha|hyperband[:…]): the queue then judges each point at its rungs */
  earlyStop?: string,
): Promise<string> {
  const points = expandGrid(base, grid);
  // parseGridFlag yields numbers, words, switches and unit lists: the schema's GridValue.
  const { sweepId, runIds } = await api.createSweep({
    baseConfig: base,
    grid: grid as { key: string; values: (number | string | boolean | number[])[] }[],
    ...(earlyStop && { earlyStop }),
  });
  runIds.forEach((id, i) => queue.add(points[i]!.config, { queuedRunId: id }));
  return sweepId;
}
