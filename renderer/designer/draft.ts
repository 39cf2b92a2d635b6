// The experiment being designed: one fully-populated ExperimentConfig that the Designer's fields edit in place.
// It outlives the view, so leaving for Training and coming back keeps the design.
import { reactive } from 'vue';
import {
  DatasetSchema,
  defaultConfig,
  parseConfig,
  type BuiltinDatasetConfig,
  type ExperimentConfig,
  type ExperimentConfigInput,
} from '../../engine/config.ts';
import { importedDatasetConfig } from '../datasets/imported.ts';

/** The design as the form edits it: the dataset keeps the generator's fields whichever dataset is chosen. */
export type Draft = Omit<ExperimentConfig, 'dataset'> & { dataset: BuiltinDatasetConfig };

export const draft = reactive<Draft>(formOf(defaultConfig()));

/** A config as the form holds it: an imported dataset becomes its name, with the generator's defaults beside it. */
function formOf(config: ExperimentConfig): Draft {
  const { dataset } = config;
  return { ...config, dataset: dataset.source === 'imported' ? DatasetSchema.parse({ name: dataset.name }) : dataset };
}

/** Replace the whole design (a preset, a stored run's config): defaults fill what the input leaves out. */
export function loadDraft(input: ExperimentConfigInput | ExperimentConfig): void {
  const next = formOf(parseConfig(JSON.parse(JSON.stringify(input))));
  for (const key of Object.keys(draft) as (keyof Draft)[]) if (!(key in next)) delete draft[key];
  Object.assign(draft, next);
}

/** A plain copy of the current design, safe to post to a worker or send over the API; an imported dataset is named
 *  by its name, hash and rows only, so the run carries none of the generator's leftover settings. */
export function draftSnapshot(): ExperimentConfig {
  const copy = JSON.parse(JSON.stringify(draft)) as Draft;
  if (!copy.name?.trim()) delete copy.name;
  const imported = importedDatasetConfig(copy.dataset.name);
  return imported ? { ...copy, dataset: imported } : copy;
}
