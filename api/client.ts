// Builds a WorkbenchApi from a transport's single "call this method with this input" function: the same object
// shape whether the bytes go over IPC or HTTP. The transport returns DispatchResult; failures become ApiError.
import type { DispatchResult } from './dispatch.ts';
import { fromWireError } from '../engine/wire-error.ts';
import { ApiError } from './errors.ts';
import { API_METHODS, type ApiMethod } from './schemas.ts';
import type { WorkbenchApi } from './workbench-api.ts';

export type Invoke = (method: ApiMethod, input: unknown) => Promise<DispatchResult>;

export function createApiClient(invoke: Invoke): WorkbenchApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    api[method] = async (input: unknown) => {
      const result = await invoke(method, input ?? {});
      if (!result.ok) throw fromWireError(result.error, ApiError, 'the store host');
      return result.value ?? undefined;
    };
  }
  return api as unknown as WorkbenchApi;
}
