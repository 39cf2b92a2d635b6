// Inline validation with the engine's own schema: every issue of ExperimentConfigSchema keyed by its field path
// (`optimizer.lr`, `model.layers[1].units`), plus the head/loss/dataset checks the engine makes when a run starts.
import { ConfigError, DatasetSchema, ExperimentConfigSchema, fieldPath, resolveHeadAndLoss, type ExperimentConfig } from '../../engine/config.ts';
import { findDataset, loadBuiltinDataset } from '../../engine/data/builtin.ts';

export type FieldErrors = Record<string, string>;

export interface Validation {
  config: ExperimentConfig | null;
  errors: FieldErrors;
}

export function validateDraft(input: unknown): Validation {
  const result = ExperimentConfigSchema.safeParse(input);
  if (!result.success) {
    const errors: FieldErrors = {};
    for (const issue of result.error.issues) {
      const field = fieldPath(issue.path) || 'config';
      errors[field] ??= issue.message;
    }
    return { config: null, errors };
  }
  const config = result.data;
  const dataset = findDataset(config.dataset.name);
  if (!dataset) return { config: null, errors: { 'dataset.name': `unknown dataset "${config.dataset.name}"` } };
  try {
    const classes = dataset.task === 'classification' ? classCount(config) : 1;
    resolveHeadAndLoss(config, dataset.task, classes);
  } catch (e) {
    if (e instanceof ConfigError) return { config: null, errors: { [e.field ?? 'config']: e.message.replace(/^[\w.]+: /, '') } };
    throw e;
  }
  return { config, errors: {} };
}

function classCount(config: ExperimentConfig): number {
  const d = config.dataset.source === 'imported' ? DatasetSchema.parse({ name: config.dataset.name }) : config.dataset;
  if (d.name === 'spiral' || d.name === 'gaussians') return d.classes;
  // Fixed-class datasets: ask the generator (cheap for a handful of samples; an import's stand-in knows its classes).
  return loadBuiltinDataset({ ...d, samples: Math.min(d.samples, 8) }).outputs;
}
