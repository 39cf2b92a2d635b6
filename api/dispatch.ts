// The one entry point both transports call: checks the method name, validates the input against its schema, runs
// the handler, and turns any failure into a WireError. Transports only move bytes and check who is asking.
import { toWireError, type WireError } from '../engine/wire-error.ts';
import { invalidInput } from './errors.ts';
import { API_INPUTS, isApiMethod } from './schemas.ts';
import type { ApiHandlers } from './workbench-api.ts';

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export async function dispatch(handlers: ApiHandlers, method: string, input: unknown): Promise<DispatchResult> {
  if (!isApiMethod(method))
    return { ok: false, error: { code: 'unknown_method', message: `no WorkbenchApi method "${method}"` } };
  const parsed = API_INPUTS[method].safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: toWireError(invalidInput(method, parsed.error)) };
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value: value ?? null };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}
