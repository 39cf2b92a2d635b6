// The schema's history, oldest first. A migration is never edited once released: add the next number instead.
import { sql as initial } from './001_initial.ts';
import { sql as datasets } from './002_datasets.ts';
import { sql as layerStats } from './003_layer_stats.ts';
import { sql as experiments } from './004_experiments.ts';
import { sql as sweepSearch } from './005_sweep_search.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'datasets', sql: datasets },
  { version: 3, name: 'layer stats', sql: layerStats },
  { version: 4, name: 'experiments', sql: experiments },
  { version: 5, name: 'sweep search', sql: sweepSearch },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** PRAGMA application_id of a Workbench database ('MLPW' in ASCII), so a foreign SQLite file is recognised. */
export const APPLICATION_ID = 0x4d4c5057;
