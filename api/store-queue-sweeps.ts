// The store side of "Run on agents": the sweep is created by the same handlers as a local one (createSweep,
// createSearchSweep), only after the queue host has checked the URL and reached Redis, so a bad URL or a Redis that
// does not answer stores nothing; then its queued points go to the host's coordinator. Without a host (a store API
// built for tests or tools) the methods say so.
import { QueueRuns } from '../db/queue-runs.ts';
import type { RunStore } from '../db/run-store.ts';
import {
  flatText,
  flattenConfig,
  GridError,
  parseParamFlag,
  pointAt,
  validateSpace,
  type SearchParam,
} from '../engine/experiment/index.ts';
import { ApiError } from './errors.ts';
import type { z } from 'zod';
import type { INSIGHT_INPUTS } from './insight-schemas.ts';
import { prunerOf } from './store-pruner.ts';
import { nextBayesPoint } from './store-search.ts';
import type { QueueSweepHost, QueueSweepState } from './queue-sweep-api.ts';
import type { ApiHandlers } from './workbench-api.ts';

type QueueSweepHandlers = Pick<
  ApiHandlers,
  'startQueueSweep' | 'queueSweepState' | 'reattachQueueSweep' | 'cancelQueueSweep'
>;
type SweepCreators = Pick<ApiHandlers, 'createSweep' | 'createSearchSweep'>;
type SearchInput = z.output<typeof INSIGHT_INPUTS.createSearchSweep>;

/** A bayes search's points in flight on agents when the builder gives none: `mlpw sweep --queue`'s default. */
export const DEFAULT_IN_FLIGHT = 4;

/**
 * A bayes sweep for agents, checked as createSearchSweep checks one (space, early stop, the first point's config),
 * then stored as `mlpw sweep --method bayes --queue` stores it: K points in flight, no trial yet. The coordinator's
 * search (queue/search-on-queue.ts) proposes every trial, recording what each saw, so --attach and --resume replay it.
 */
function bayesOnQueue(store: RunStore, search: SearchInput, parallel: number): { create(): string } {
  const { baseConfig, params: given, trials, seed, experiment, earlyStop } = search;
  const pruner = prunerOf(earlyStop, baseConfig);
  let params: SearchParam[];
  try {
    params = given.map((p) => parseParamFlag(`${p.key}=${p.dist}`));
    validateSpace(baseConfig, params);
    // The first proposal's config, built and dropped: a point the space cannot make fails here, before anything is stored.
    store.datasets.runConfig(pointAt(baseConfig, nextBayesPoint({ method: 'bayes', trials, seed, params }, [])).config);
  } catch (e) {
    if (e instanceof GridError) throw new ApiError('invalid_argument', e.detail, 'search.params');
    throw e;
  }
  return {
    create: () =>
      store.createSweep({
        baseConfig,
        grid: params.map((p) => ({ key: p.key, values: [], search: { method: 'bayes', dist: p.text, trials, seed } })),
        parallel,
        configs: [],
        experiment,
        size: trials,
        search: {
          method: 'bayes',
          space: params.map((p) => ({ key: p.key, dist: p.text })),
          sweepSeed: seed,
          trials,
          pruner,
        },
      }).sweepId,
  };
}

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
    startQueueSweep: async ({ url, grid, search, inFlight }) => {
      if (!host) noHost();
      if (search?.method === 'bayes') {
        const sweep = bayesOnQueue(store, search, inFlight ?? DEFAULT_IN_FLIGHT);
        await host.check(url);
        const sweepId = sweep.create();
        await host.run(url, sweepId, [], search.experiment);
        return { sweepId, runIds: [], url: host.status(sweepId).url ?? '' };
      }
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
