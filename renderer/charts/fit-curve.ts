// A 1-D regression network's fitted curve: its predictions along x across the plot, from a checkpoint the store
// keeps (the live run writes its best checkpoint as it improves), drawn over the data by PointsChart.
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { fromWireSnapshot } from '../../api/snapshot-wire.ts';
import type { CheckpointKind } from '../../engine/types.ts';
import { enginePredict } from '../../export/onnx/engine-predict.ts';
import type { Bounds } from './points.ts';

export interface FitCurve {
  x: number[];
  y: number[];
  epoch: number;
}

/** Samples along the x range: enough for a smooth line at any chart width here. */
export const FIT_SAMPLES = 200;

export async function fitCurveOf(
  api: WorkbenchApi,
  id: string,
  kind: CheckpointKind,
  bounds: Bounds,
): Promise<FitCurve | null> {
  const found = await api.getCheckpoint({ id, kind });
  if (!found) return null;
  const snapshot = fromWireSnapshot(found.snapshot);
  if (snapshot.layers[0]!.inputs !== 1) return null;
  const x = Float32Array.from(
    { length: FIT_SAMPLES },
    (_, i) => bounds.x0 + (i / (FIT_SAMPLES - 1)) * (bounds.x1 - bounds.x0),
  );
  const y = await enginePredict(snapshot, x, FIT_SAMPLES);
  return { x: Array.from(x), y: Array.from(y), epoch: found.epoch };
}
