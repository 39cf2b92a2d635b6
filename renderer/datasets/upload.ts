// Browser mode's import: the page sends the bytes of the file the user chose or dropped (POST /api/upload/dataset,
// the body is the File itself, so the browser streams it from disk), never a path for the server to open.
import type { DispatchResult } from '../../api/dispatch.ts';
import { ApiError } from '../../api/errors.ts';
import type { DatasetCheck, DatasetImport, DatasetUpload, PageFile } from '../../api/workbench-api.ts';
import { fromWireError } from '../../engine/wire-error.ts';

export function httpUpload(
  tokenHeader: Record<string, string>,
): (file: PageFile, fields: DatasetUpload) => Promise<DatasetImport | DatasetCheck> {
  return async (file, fields) => {
    const res = await fetch(`./api/upload/dataset?fields=${encodeURIComponent(JSON.stringify(fields))}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', ...tokenHeader },
      body: file as Blob,
    });
    const result = (await res.json().catch(() => null)) as DispatchResult | null;
    if (!result) throw new ApiError('http_error', `the workbench server answered ${res.status} ${res.statusText}`);
    if (!result.ok) throw fromWireError(result.error, ApiError, 'the workbench server');
    return result.value as DatasetImport | DatasetCheck;
  };
}

/** The dataset's default name, as the store host derives it: the file name without .csv/.tsv/.txt/.data/.json/.ndjson/.jsonl. */
export function defaultDatasetName(fileName: string): string {
  return fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt|data|json|ndjson|jsonl)$/i, '');
}
