// The WorkbenchApi's error: what a failed call rejects with in the renderer, whichever transport carried it. It
// crosses as plain data through engine/wire-error.ts (toWireError on the store side, fromWireError here).
import { fieldPath } from '../engine/config.ts';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The first issue of a failed schema parse, named by its field path (e.g. `config.optimizer.lr`, `metrics[0].bogus`). */
export function invalidInput(method: string, error: z.ZodError): ApiError {
  const issue = error.issues[0]!;
  const at = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    // Reported on the object that holds the keys; the field is the key itself when there is one.
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    const field = issue.keys.length === 1 ? fieldPath([...issue.path, issue.keys[0]!]) : at;
    return new ApiError('invalid_argument', `${method}: ${at || 'input'}: unknown key ${keys}`, field || undefined);
  }
  return new ApiError('invalid_argument', `${method}: ${at || 'input'}: ${issue.message}`, at || undefined);
}
