// The ONNX methods of the WorkbenchApi over the store (Node side): a run's checkpoint exported as a verified file
// where the desktop's save dialog chose (a handle it issued, turned into its absolute path once), or as bytes for
// browser mode's download. Both are export/'s exportRun; this file only names the field a failure belongs to.
import { StoreError } from '../db/errors.ts';
import type { RunStore } from '../db/run-store.ts';
import { exportRun, OnnxError } from '../export/onnx/node/index.ts';
import { ApiError } from './errors.ts';
import type { FileGrants } from './store-api.ts';
import type { ApiHandlers } from './workbench-api.ts';

type ExportHandlers = Pick<ApiHandlers, 'exportOnnx' | 'onnxDownload'>;

/** The errors a page can act on, with the field to show them at. */
function asApiError(e: unknown): unknown {
  if (e instanceof StoreError && e.code === 'no_checkpoint')
    return new ApiError('no_checkpoint', e.message, 'checkpoint');
  if (e instanceof OnnxError && e.code === 'bad_path')
    return new ApiError('invalid_argument', `exportOnnx: ${e.message}`, 'path');
  if (e instanceof OnnxError && e.code === 'write_failed') return new ApiError('write_failed', e.message, 'path');
  return e;
}

export function createExportHandlers(store: RunStore, files: FileGrants | undefined): ExportHandlers {
  return {
    exportOnnx: async ({ id, checkpoint, file }) => {
      if (!files)
        throw new ApiError(
          'desktop_only',
          'browser mode writes no file on the server: download the model instead',
          'file',
        );
      const path = files.take(file, 'save');
      const done = await exportRun(store, id, checkpoint, { path, makeFolders: true, absolute: true }).catch(
        (e: unknown) => {
          throw asApiError(e);
        },
      );
      const { maxAbsDiff, samples, tolerance } = done.verification;
      return {
        path: done.path,
        bytes: done.bytes.length,
        checkpoint,
        epoch: done.epoch,
        maxAbsDiff,
        samples,
        tolerance,
      };
    },
    onnxDownload: async ({ id, checkpoint }) => {
      const done = await exportRun(store, id, checkpoint, { download: true }).catch((e: unknown) => {
        throw asApiError(e);
      });
      const { maxAbsDiff, samples, tolerance } = done.verification;
      return {
        fileName: done.fileName,
        base64: Buffer.from(done.bytes).toString('base64'),
        bytes: done.bytes.length,
        checkpoint,
        epoch: done.epoch,
        maxAbsDiff,
        samples,
        tolerance,
      };
    },
  };
}
