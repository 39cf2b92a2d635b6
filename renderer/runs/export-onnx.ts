// Export a run as a verified ONNX file and say how it went (the check runs the file in onnxruntime on the store's
// side and compares with the engine on the validation rows).
import { ApiError } from '../../api/errors.ts';
import type { OnnxExportResult, WorkbenchApi } from '../../api/workbench-api.ts';
import { notify } from '../shell/notices.ts';

export async function exportRunOnnx(api: WorkbenchApi, id: string, path: string, checkpoint: 'best' | 'final' = 'final'): Promise<OnnxExportResult | null> {
  try {
    const r = await api.exportOnnx({ id, path, checkpoint });
    notify(`Exported ${id} (${r.checkpoint}, epoch ${r.epoch}) to ${r.path}: verified on ${r.samples} rows, max difference ${r.maxAbsDiff.toExponential(1)}`);
    return r;
  } catch (e) {
    notify(e instanceof ApiError ? e.message : String(e), 'error');
    return null;
  }
}

/** Next to the store: <store folder>/exports/<run id>.onnx. */
export function defaultExportPath(storePath: string, id: string): string {
  const sep = storePath.includes('\\') && !storePath.includes('/') ? '\\' : '/';
  const dir = storePath.slice(0, Math.max(0, storePath.lastIndexOf(sep)));
  return [dir, 'exports', `${id}.onnx`].join(sep);
}
