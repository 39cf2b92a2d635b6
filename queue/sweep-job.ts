// One sweep point as the runners see it, local (cli/sweep/run-sweep.ts) or on agents (queue/coordinator.ts), and how
// it ended. Here, below both, so the app's server can run a queued sweep without importing the CLI.
import type { ExperimentConfig } from '../engine/config.ts';
import type { RungDecision } from '../engine/experiment/asha.ts';
import type { RunSummary } from '../engine/types.ts';

export interface SweepJob {
  runId: string;
  config: ExperimentConfig;
  /** "optimizer.lr=0.1 model.layers=16x16" */
  label: string;
  /** the 0-based trial number (the pruner's bracket is dealt by it) */
  trial?: number;
}

export interface SweepOutcome {
  job: SweepJob;
  summary: RunSummary | null;
  error: string | null;
  /** the pruner stopped it at this rung */
  stopped?: RungDecision;
}
