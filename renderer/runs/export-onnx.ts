// Export a run as a verified ONNX file where the desktop's save dialog chose (`file`: the handle it issued) and say
// how it went (the check runs the file in onnxruntime on the store's side and compares with the engine).
import { ApiError } from '../../api/errors.ts';
import type { OnnxExportResult, WorkbenchApi } from '../../api/workbench-api.ts';
import type { CheckpointKind } from '../../engine/types.ts';
import { notify } from '../shell/notices.ts';

export async function exportRunOnnx(
  api: WorkbenchApi,
  id: string,
  file: string,
  checkpoint: CheckpointKind = 'final',
): Promise<OnnxExportResult | null> {
  try {
    const r = await api.exportOnnx({ id, file, checkpoint });
    notify(
      `Exported ${id} (${r.checkpoint}, epoch ${r.epoch}) to ${r.path}: verified on ${r.samples} rows, max difference ${r.maxAbsDiff.toExponential(1)}`,
    );
    return r;
  } catch (e) {
    notify(e instanceof ApiError ? e.message : String(e), 'error');
    return null;
  }
}
