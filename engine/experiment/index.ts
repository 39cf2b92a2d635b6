// Experiments as data, for every layer above the engine: a config as flat `key = value` pairs (show, compare, CSV,
// sweep tables) and sweep grids (axes, their cartesian product, GridError). No Node built-ins and no DOM.
export { configTable, differs, flatText, flattenConfig, type FlatValue } from './config-keys.ts';
export {
  expandGrid,
  gridKeys,
  GridError,
  MAX_GRID_POINTS,
  parseGridFlag,
  pointAt,
  valueText,
  type GridPoint,
} from './grid.ts';
export type { GridAxis } from './grid-axis.ts';
export { parseParamFlag, SearchSpaceError, validateSpace, type ParamDist, type SearchParam } from './search-space.ts';
export { randomPoint, randomProposals, sampleParam, type Assignments } from './random-search.ts';
export { tpePropose, type TpeOptions, type TpeTrial } from './tpe.ts';
export {
  AshaPruner,
  bracketOf,
  maxBrackets,
  metricMode,
  metricOf,
  parsePrunerFlag,
  PRUNER_METRICS,
  PrunerError,
  prunerText,
  rungEpochs,
  rungRule,
  type PrunerMetric,
  type PrunerSpec,
  type RungDecision,
} from './asha.ts';
export { judgedTrialHandlers } from './asha-trial.ts';
