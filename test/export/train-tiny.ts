// Trains a tiny MLP with the real engine (trainer + CPU backend, float32) for the export tests: a few epochs on a
// built-in dataset, enough for non-trivial weights and standardisation statistics.
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { train, type TrainResult } from '../../engine/trainer.ts';
import type { Dataset } from '../../engine/types.ts';
import type { OnnxExportMeta } from '../../export/onnx/index.ts';

export interface TinyRun {
  config: ExperimentConfig;
  dataset: Dataset;
  result: TrainResult;
  meta: Omit<OnnxExportMeta, 'producerVersion'>;
}

export async function trainTiny(input: ExperimentConfigInput, runId = 'test-run'): Promise<TinyRun> {
  const config = parseConfig({ epochs: 5, batchSize: 16, backend: 'cpu', precision: 'float32', ...input });
  const dataset = loadBuiltinDataset(config.dataset);
  const result = await train(config, dataset, new CpuBackend('float32'));
  const meta = {
    runId,
    config,
    dataset: dataset.name,
    checkpoint: 'final' as const,
    metrics: { best: result.summary.best, final: result.summary.final },
  };
  return { config, dataset, result, meta };
}
