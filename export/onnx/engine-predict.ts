// The engine's own predictions for raw rows: standardise as training did, then CpuBackend.predict (float32). This
// is the reference an export is verified against. Pure: no Node built-ins.
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { defaultConfig } from '../../engine/config.ts';
import { applyStandardize, type PreparedData } from '../../engine/data/prepare.ts';
import type { ModelSnapshot } from '../../engine/types.ts';

/** Head outputs for n raw rows (n × features): n × outputUnits, row-major. */
export async function enginePredict(snapshot: ModelSnapshot, rawX: Float32Array, n: number): Promise<Float32Array> {
  const features = snapshot.layers[0]!.inputs;
  const units = snapshot.layers[snapshot.layers.length - 1]!.units;
  const x = rawX.slice(0, n * features);
  if (snapshot.standardize) applyStandardize(x, features, snapshot.standardize);
  const empty = { x: new Float32Array(0), n: 0 };
  const data: PreparedData = { train: empty, val: empty, features, outputs: units, standardize: snapshot.standardize };
  const backend = new CpuBackend('float32');
  await backend.init(
    {
      features,
      outputs: snapshot.head === 'sigmoid' ? 2 : units,
      head: snapshot.head,
      loss: snapshot.loss,
      layers: snapshot.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation, dropout: 0 })),
      optimizer: defaultConfig().optimizer, // unused: no training step is taken
      seed: 0,
    },
    snapshot.layers,
    data,
  );
  try {
    return await backend.predict(x, n);
  } finally {
    backend.dispose();
  }
}
