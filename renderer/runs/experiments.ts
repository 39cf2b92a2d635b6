// The experiments the sidebar lists (with run counts), the one the Runs table shows, and the one the Designer's new
// runs go to: shared state, loaded from the store, so the three stay in step.
import { reactive } from 'vue';
import type { ExperimentRecord, WorkbenchApi } from '../../api/workbench-api.ts';

const DESIGNER_KEY = 'mlpw.designer.experiment';

function storedDesignerExperiment(): string {
  try {
    return globalThis.localStorage?.getItem(DESIGNER_KEY) ?? '';
  } catch {
    return ''; // storage refused (a sandboxed page): the Designer starts at Default
  }
}

export const experiments = reactive({
  list: [] as ExperimentRecord[],
  /** the Runs table's filter: an experiment's name, or null for every run */
  shown: null as string | null,
  /** where the Designer's next run goes; '' is Default */
  forNewRuns: storedDesignerExperiment(),
  error: null as string | null,
});

export async function refreshExperiments(api: WorkbenchApi): Promise<void> {
  try {
    experiments.list = await api.listExperiments({});
    experiments.error = null;
    // An experiment renamed elsewhere (the CLI) no longer filters: show every run rather than none.
    if (experiments.shown !== null && !experiments.list.some((e) => e.name === experiments.shown))
      experiments.shown = null;
  } catch (e) {
    experiments.error = (e as Error).message;
  }
}

export async function createExperiment(api: WorkbenchApi, name: string): Promise<ExperimentRecord> {
  const made = await api.createExperiment({ name });
  await refreshExperiments(api);
  return made;
}

/** Renames an experiment; the Runs table and the Designer's choice follow it to its new name. */
export async function renameExperiment(api: WorkbenchApi, from: string, to: string): Promise<ExperimentRecord> {
  const renamed = await api.renameExperiment({ from, to });
  if (experiments.shown !== null && experiments.shown.toLowerCase() === from.toLowerCase())
    experiments.shown = renamed.name;
  if (experiments.forNewRuns.toLowerCase() === from.toLowerCase()) setExperimentForNewRuns(renamed.name);
  await refreshExperiments(api);
  return renamed;
}

/** Moves runs into an existing experiment (all or none), then recounts the sidebar. */
export async function moveRuns(api: WorkbenchApi, ids: string[], experiment: string): Promise<string[]> {
  const moved = await api.moveRuns({ ids, experiment });
  await refreshExperiments(api);
  return moved;
}

export function setExperimentForNewRuns(name: string): void {
  experiments.forNewRuns = name.trim();
  try {
    globalThis.localStorage?.setItem(DESIGNER_KEY, experiments.forNewRuns);
  } catch {
    // not kept across a reload; the choice still holds for this session
  }
}

/** The name to send with createRun: undefined for Default, so the store decides. */
export function experimentForNewRuns(): string | undefined {
  return experiments.forNewRuns || undefined;
}
