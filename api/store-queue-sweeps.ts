// The store side of "Run on agents": the sweep is created by the same handlers as a local one (createSweep,
// createSearchSweep), only after the queue host has checked the URL and reached Redis, so a bad URL or a Redis that
// does not answer stores nothing; then its queued points go to the host's coordinator. Without a host (a store API
// built for tests or tools) the methods say so.
import { QueueRuns } from '../db/queue-runs.ts';
import type { RunStore } from '../db/run-store.ts';
import { flatText, flattenConfig } from '../engine/experiment/index.ts';
import { ApiError } from './errors.ts';
import type { QueueSweepHost, QueueSweepState } from './queue-sweep-api.ts';
import type { ApiHandlers } from './workbench-api.ts';

type QueueSweepHandlers = Pick<
  ApiHandlers,
  'startQueueSweep' | 'queueSweepState' | 'reattachQueueSweep' | 'cancelQueueSweep'
>;
type SweepCreators = Pick<ApiHandlers, 'createSweep' | 'createSearchSweep'>;

function noHost(): never {
  throw new ApiError('no_queue', 'this store host runs no queue coordinator: start the app or mlpw serve');
}

export function createQueueSweepHandlers(
  store: RunStore,
  creators: SweepCreators,
  host: QueueSweepHost | undefined,
): QueueSweepHandlers {
  const runs = new QueueRuns(store);
  const state = (sweepId: string): QueueSweepState => {
    const sweep = store.getSweep(sweepId);
    const states = runs.sweepStates(sweep.id);
    const url = runs.queueUrl(sweep.id);
    const status = host?.status(sweep.id) ?? { collecting: false, problem: null, url: null };
    return {
      sweepId: sweep.id,
      onQueue: url !== null || states.some((r) => r.agent !== null) || runs.onQueue(sweep.id),
      url: status.url ?? url,
      collecting: status.collecting,
      problem: status.problem,
      runs: states,
    };
  };
  return {
    startQueueSweep: async ({ url, grid, search }) => {
      if (!host) noHost();
      if (search?.method === 'bayes')
        throw new ApiError(
          'invalid_argument',
          'a bayes sweep proposes each point from finished runs: use grid or random on agents',
          'search.method',
        );
      await host.check(url);
      const created = grid ? await creators.createSweep(grid) : await creators.createSearchSweep(search!);
      // Each point's label as the agents print it: the sweep's keys and the run's values ("optimizer.lr=0.1").
      const keys = store.getSweep(created.sweepId).grid.map((a) => a.key);
      const points = created.runIds.map((runId) => {
        const config = store.getRun(runId).config;
        const flat = flattenConfig(config);
        return { runId, config, label: keys.map((k) => `${k}=${flatText(flat.get(k))}`).join(' ') };
      });
      await host.run(url, created.sweepId, points);
      return { ...created, url: host.status(created.sweepId).url ?? '' };
    },
    queueSweepState: ({ sweepId }) => state(sweepId),
    reattachQueueSweep: async ({ sweepId, url }) => {
      if (!host) noHost();
      const id = store.getSweep(sweepId).id;
      await host.reattach(id, url);
      return state(id);
    },
    cancelQueueSweep: async ({ sweepId, url }) => {
      if (!host) noHost();
      return host.cancel(store.getSweep(sweepId).id, url);
    },
  };
}
