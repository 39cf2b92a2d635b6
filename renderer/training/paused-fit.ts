// A paused 1-D regression run's fitted curve from the weights after exactly that step (the worker's 'paused'
// snapshot), sampled as fitCurveOf samples a checkpoint's, so "Data and fit" shows the step the network view shows.
import { FIT_SAMPLES, type FitCurve } from '../charts/fit-curve.ts';
import type { Bounds } from '../charts/points.ts';
import type { ModelSnapshot } from '../../engine/types.ts';
import { enginePredict } from '../../export/onnx/engine-predict.ts';

/** null for a net not on one input (the fit is drawn for 1-D regression only). */
export async function pausedFitCurve(snapshot: ModelSnapshot, epoch: number, bounds: Bounds): Promise<FitCurve | null> {
  if (snapshot.layers[0]!.inputs !== 1) return null;
  const x = Float32Array.from(
    { length: FIT_SAMPLES },
    (_, i) => bounds.x0 + (i / (FIT_SAMPLES - 1)) * (bounds.x1 - bounds.x0),
  );
  const y = await enginePredict(snapshot, x, FIT_SAMPLES);
  return { x: Array.from(x), y: Array.from(y), epoch };
}
