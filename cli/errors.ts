// Errors a user causes (bad flags, bad config, bad files) exit with code 2 and one clear line; nothing else is
// printed. UsageError is the CLI's own; the layers below raise their domain errors, mapped here in one place.
import { ConfigError } from '../engine/config.ts';
import { GridError } from '../engine/experiment/index.ts';
import { EngineError } from '../engine/host/node/engine-client.ts';
import { StoreError } from '../db/index.ts';
import { ImportError } from '../datasets/errors.ts';
import { QueueUrlError } from '../queue/errors.ts';

export class UsageError extends Error {
  readonly code: string;
  constructor(message: string, code = 'usage') {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The user's mistake (exit 2): a flag, a config, a grid, a run id, a file. Config errors found by the engine worker arrive as EngineError. */
export function isUserError(e: unknown): e is Error {
  return (
    e instanceof UsageError ||
    e instanceof GridError ||
    e instanceof ConfigError ||
    e instanceof StoreError ||
    e instanceof ImportError ||
    e instanceof QueueUrlError ||
    (e instanceof EngineError && e.code === 'invalid_config')
  );
}
