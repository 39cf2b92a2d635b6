// Errors cross every boundary (IPC, HTTP) as plain {code, message, field?} and are rebuilt as ApiError on the other
// side, so the renderer can show the field a mistake was in without knowing which transport carried it.
import { ConfigError, fieldPath } from '../engine/config.ts';
import type { z } from 'zod';

export interface WireError {
  code: string;
  message: string;
  field?: string;
}

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

/** The first issue of a failed schema parse, named by its field path (e.g. `config.optimizer.lr`). */
export function invalidInput(method: string, error: z.ZodError): ApiError {
  const issue = error.issues[0]!;
  const field = fieldPath(issue.path);
  return new ApiError('invalid_argument', `${method}: ${field || 'input'}: ${issue.message}`, field || undefined);
}

export function toWireError(e: unknown): WireError {
  if (e instanceof ApiError || e instanceof ConfigError) {
    return e.field === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, field: e.field };
  }
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  // StoreError and OnnxError carry string codes of their own; anything else is our bug, not the user's.
  if (typeof err?.code === 'string' && typeof err.message === 'string' && /Error$/.test(String(err.name)))
    return { code: err.code, message: err.message };
  return { code: 'internal', message: typeof err?.message === 'string' ? err.message : String(e) };
}

export function fromWireError(w: unknown): ApiError {
  const wire = w as Partial<WireError> | null;
  if (wire && typeof wire.code === 'string' && typeof wire.message === 'string')
    return new ApiError(wire.code, wire.message, typeof wire.field === 'string' ? wire.field : undefined);
  return new ApiError('internal', 'malformed error from the store host');
}
