// The experiment being designed: one fully-populated ExperimentConfig that the Designer's fields edit in place.
// It outlives the view, so leaving for Training and coming back keeps the design.
import { reactive } from 'vue';
import { defaultConfig, parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../engine/config.ts';

export const draft = reactive<ExperimentConfig>(defaultConfig());

/** Replace the whole design (a preset, a stored run's config): defaults fill what the input leaves out. */
export function loadDraft(input: ExperimentConfigInput | ExperimentConfig): void {
  const next = parseConfig(JSON.parse(JSON.stringify(input)));
  for (const key of Object.keys(draft) as (keyof ExperimentConfig)[]) if (!(key in next)) delete draft[key];
  Object.assign(draft, next);
}

/** A plain copy of the current design, safe to post to a worker or send over the API. */
export function draftSnapshot(): ExperimentConfig {
  const copy = JSON.parse(JSON.stringify(draft)) as ExperimentConfig;
  if (!copy.name?.trim()) delete copy.name;
  return copy;
}
