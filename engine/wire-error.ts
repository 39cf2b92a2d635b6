// Errors cross every boundary (worker messages, IPC, HTTP) as plain {code, message, field?} and are rebuilt on the
// other side, so a host can show the field a mistake was in without knowing which boundary carried it.
import { z } from 'zod';

export const WireErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  /** the input field the mistake is in, as a path (`optimizer.lr`, `metrics[0].bogus`) */
  field: z.string().optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** An error class a wire error is rebuilt as (ApiError, EngineError). */
export type WireErrorClass<E extends Error> = new (code: string, message: string, field?: string) => E;

/**
 * Our errors (ConfigError, StoreError, ApiError, …) carry a string code and keep it, with their field when they name
 * one; anything else is a bug, not the user's mistake, and crosses as `fallbackCode` with its message.
 */
export function toWireError(e: unknown, fallbackCode = 'internal'): WireError {
  const err = e as { code?: unknown; message?: unknown; name?: unknown; field?: unknown } | null;
  if (typeof err?.code === 'string' && typeof err.message === 'string' && /Error$/.test(String(err.name))) {
    return typeof err.field === 'string'
      ? { code: err.code, message: err.message, field: err.field }
      : { code: err.code, message: err.message };
  }
  return { code: fallbackCode, message: typeof err?.message === 'string' ? err.message : String(e) };
}

/** Rebuilds a wire error as `As`; `from` names the side that sent something malformed (`the store host`). */
export function fromWireError<E extends Error>(w: unknown, As: WireErrorClass<E>, from: string): E {
  const wire = WireErrorSchema.safeParse(w);
  return wire.success
    ? new As(wire.data.code, wire.data.message, wire.data.field)
    : new As('internal', `malformed error from ${from}`);
}
