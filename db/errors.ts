// Errors the store raises on purpose. They carry a code so the CLI, IPC and HTTP layers can map them without
// matching message text, and they cross those boundaries as plain {code, message}.
export type StoreErrorCode =
  | 'not_a_database' // the file is not SQLite at all
  | 'damaged' // SQLite, but its pages are malformed
  | 'foreign_database' // a valid SQLite database that belongs to another application
  | 'newer_schema' // written by a newer MLP Workbench; we must not touch it
  | 'older_schema' // not yet migrated, opened read-only: only a read-write open may migrate it
  | 'cannot_open' // the file or its folder cannot be created or read
  | 'unknown_run'
  | 'ambiguous_run' // a run-id prefix that matches more than one run
  | 'run_active' // the operation needs a run that is not being trained
  | 'run_finished' // the run has finished: its epochs, checkpoints and status are final
  | 'duplicate_epoch' // an epoch number the run has already recorded
  | 'no_checkpoint' // the run kept no checkpoint of the kind asked for
  | 'unknown_sweep'
  | 'unknown_experiment'
  | 'experiment_exists' // a create or rename to a name another experiment has (names ignore case)
  | 'invalid_argument';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The SQLite result code of a better-sqlite3 error (e.g. 'SQLITE_NOTADB'), or undefined for other errors. */
export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
