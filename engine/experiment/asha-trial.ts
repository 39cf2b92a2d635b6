// One trial under an AshaPruner, for any host's engine client (the CLI's worker threads, the app's Web Worker): start
// the run paused and pass these handlers; each paused position is an epoch boundary, where the trial is judged right
// after a rung's epoch and then stepped one more epoch or cancelled. The run gate never changes the numbers, so a
// stopped trial's curve is the prefix of the same config trained to the end. It finishes as the trainer's own early
// stop does: status completed, stoppedEarly true.
import type { EngineRun, RunHandlers } from '../worker/client.ts';
import type { EpochMetrics } from '../types.ts';
import { metricOf, type AshaPruner, type RungDecision } from './asha.ts';

export function judgedTrialHandlers(
  pruner: AshaPruner,
  trial: number,
  handlers: RunHandlers,
  /** the run these handlers were passed to (read when the first paused message arrives) */
  run: () => Pick<EngineRun, 'cancel' | 'step'>,
  /** the pruner stopped it at `d.rung` (before its summary reaches onFinished) */
  onStop: (d: RungDecision) => void = () => {},
): RunHandlers {
  const rungs = new Set(pruner.rungsOf(trial));
  let last: EpochMetrics | null = null;
  let decision: RungDecision | null = null;
  return {
    ...handlers,
    onEpoch: (m) => {
      last = m;
      return handlers.onEpoch?.(m);
    },
    onPaused: (at, snapshot) => {
      if (decision) return;
      handlers.onPaused?.(at, snapshot);
      if (at.batch === 0 && last && rungs.has(at.epoch) && last.epoch === at.epoch) {
        const d = pruner.report(trial, at.epoch, metricOf(pruner.spec.metric, last));
        if (d?.stop) {
          decision = d;
          onStop(d);
          return run().cancel();
        }
      }
      run().step('epoch');
    },
    onFinished: (summary) =>
      handlers.onFinished?.(
        decision && summary.status === 'cancelled' ? { ...summary, status: 'completed', stoppedEarly: true } : summary,
      ),
  };
}
