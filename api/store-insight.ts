// The insight methods of the WorkbenchApi over the store (Node side): compare data in one request, one run's
// insight views (computed here, where the data is), and sweeps created as queued runs for the window's queue. The
// browser's ONNX download is in store-export.ts.
import type { RunStore } from '../db/run-store.ts';
import { expandGrid, flattenConfig, GridError, valueText } from '../engine/experiment/index.ts';
import type { RunRecord, SweepRecord } from '../db/types.ts';
import { runConfusion, runDecisionBoundary, runGradientCheck, runMisclassified } from '../insight/node/run-insight.ts';
import { ApiError } from './errors.ts';
import { recordRunDataset } from './store-datasets.ts';
import { createSearchHandlers } from './store-search.ts';
import { prunerOf, sweepRungs } from './store-pruner.ts';
import type { ApiHandlers } from './workbench-api.ts';
import type { INSIGHT_INPUTS } from './insight-schemas.ts';

type InsightHandlers = Pick<ApiHandlers, Exclude<keyof typeof INSIGHT_INPUTS, 'onnxDownload'>>;

/** A sweep's runs in grid order (first axis outermost), as `mlpw sweep` lists its points; the ids are random. */
function inGridOrder(sweep: SweepRecord, runs: RunRecord[]): RunRecord[] {
  const position = (r: RunRecord) => {
    const flat = flattenConfig(r.config);
    return sweep.grid.map((a) => a.values.findIndex((v) => valueText(a.key, v) === String(flat.get(a.key))));
  };
  const keyed = runs.map((r) => ({ r, at: position(r) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.at.length; i++) if (a.at[i] !== b.at[i]) return a.at[i]! - b.at[i]!;
    return a.r.createdAt - b.r.createdAt;
  });
  return keyed.map((k) => k.r);
}

export function createInsightHandlers(store: RunStore): InsightHandlers {
  return {
    compareRuns: ({ ids }) => {
      const runs = ids.map((id) => store.getRun(id));
      return { runs, epochs: runs.map((r) => store.getEpochs(r.id)) };
    },
    getLayerStats: ({ id }) => store.getLayerStats(id),
    confusionMatrix: ({ id, checkpoint }) => runConfusion(store, id, checkpoint),
    decisionBoundary: ({ id, checkpoint, resolution }) => runDecisionBoundary(store, id, checkpoint, resolution),
    gradientCheck: ({ id, checkpoint, rows }) => runGradientCheck(store, id, checkpoint, rows),
    misclassified: ({ id, checkpoint, limit }) => runMisclassified(store, id, checkpoint, limit),
    createSweep: ({ baseConfig, grid, experiment, earlyStop }) => {
      const pruner = prunerOf(earlyStop, baseConfig);
      let configs;
      try {
        configs = expandGrid(baseConfig, grid).map((p) => p.config);
      } catch (e) {
        // The field is the API's input (`grid`); the message names the axis key (e.field) and value.
        if (e instanceof GridError) throw new ApiError('invalid_argument', e.detail, 'grid');
        throw e;
      }
      const created = store.createSweep({
        baseConfig,
        grid,
        parallel: 1,
        configs,
        experiment,
        ...(pruner && { search: { pruner } }),
      });
      for (const runId of created.runIds) recordRunDataset(store, runId, baseConfig.dataset.name);
      return created;
    },
    ...createSearchHandlers(store),
    listSweeps: () => store.listSweeps(),
    getSweep: ({ id }) => {
      const sweep = store.getSweep(id);
      const stoppedRungs: Record<string, number> = {};
      // Only a sweep with a pruner has stopped rungs: the others' refreshes read no trial again.
      if (sweep.pruner)
        for (const t of store.sweepTrials(sweep.id)) if (t.stoppedRung !== null) stoppedRungs[t.runId] = t.stoppedRung;
      return { sweep, runs: inGridOrder(sweep, store.listRuns({ sweepId: sweep.id })), stoppedRungs };
    },
    sweepRungs: ({ id }) => sweepRungs(store, store.resolveRunId(id)),
    recordStoppedRung: ({ id, rung }) => {
      const run = store.getRun(id);
      if (run.sweepId === null) throw new ApiError('invalid_argument', `run ${run.id} is in no sweep`, 'id');
      store.recordStoppedRung(run.id, rung);
    },
    startQueuedRun: ({ id }) => {
      const run = store.getRun(id);
      if (run.status !== 'queued')
        throw new ApiError('invalid_argument', `run ${run.id} is ${run.status}, not queued`, 'id');
      store.markRunning(run.id);
    },
    cancelQueuedRuns: ({ ids }) => store.cancelQueued(ids.map((id) => store.resolveRunId(id))),
  };
}
