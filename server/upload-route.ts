// Browser mode's dataset upload: POST /api/upload/dataset (token checked like every /api/ call), the file's bytes as
// an application/octet-stream body, the import's fields as JSON in the `fields` query parameter. The bytes stream
// as they arrive (no base64, no buffering of the whole file) to the handler, which keeps them in a temporary file for
// the table importer's two passes (api/store-datasets.ts importUpload), so the server opens no path a page names.
// The answer is a DispatchResult, as for every API call: the snapshot (or a dry run's findings) and its column table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { invalidInput, ApiError } from '../api/errors.ts';
import { DatasetUploadSchema } from '../api/schemas.ts';
import type { DatasetCheck, DatasetImport } from '../api/workbench-api.ts';
import { toWireError } from '../engine/wire-error.ts';
import { sendJson } from './headers.ts';

/** Generous: an MNIST-scale CSV is 100–200 MB; it goes to a temporary file, and the importer keeps only the parsed rows. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export type DatasetUploadHandler = (
  fields: z.output<typeof DatasetUploadSchema>,
  body: { bytes: number; chunks: AsyncIterable<Uint8Array> },
) => Promise<DatasetImport | DatasetCheck>;

function fieldsOf(url: URL): z.output<typeof DatasetUploadSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(url.searchParams.get('fields') ?? '{}');
  } catch {
    throw new ApiError('invalid_argument', 'upload: the fields parameter is not JSON', 'fields');
  }
  const parsed = DatasetUploadSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput('upload', parsed.error);
  return parsed.data;
}

async function* limited(req: IncomingMessage, max: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  // Not destroyed when the importer stops early (a bad line): answer() still reads the rest, so the page gets our
  // error and not a reset connection.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > max)
      throw new ApiError(
        'too_large',
        `the upload is larger than ${max / 1024 ** 2} MB; import it with: mlpw import FILE`,
      );
    yield chunk as Buffer;
  }
}

/** Answers once the page has sent its whole body: a fetch whose body is cut off sees a network error, not our answer. */
function answer(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): Promise<void> {
  if (req.complete) return Promise.resolve(sendJson(res, status, body));
  return new Promise((done) => {
    req.on('end', () => done(sendJson(res, status, body)));
    req.on('error', () => {
      res.destroy();
      done();
    });
    req.resume();
  });
}

export async function handleDatasetUpload(
  upload: DatasetUploadHandler | undefined,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  max = MAX_UPLOAD_BYTES,
): Promise<void> {
  const fail = (status: number, e: unknown) => answer(req, res, status, { ok: false, error: toWireError(e) });
  if (req.method !== 'POST') return fail(405, new ApiError('method_not_allowed', 'use POST'));
  if (!upload) return fail(404, new ApiError('unknown_method', 'this server takes no uploads'));
  if (!/^application\/octet-stream\b/.test(req.headers['content-type'] ?? ''))
    return fail(415, new ApiError('unsupported_media_type', 'send the file as application/octet-stream'));
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    // Refused before the body: answer at once and drop the connection rather than read gigabytes to discard them.
    res.setHeader('Connection', 'close');
    res.on('finish', () => req.destroy());
    return sendJson(res, 413, {
      ok: false,
      error: toWireError(
        new ApiError('too_large', `the upload is larger than ${max / 1024 ** 2} MB; import it with: mlpw import FILE`),
      ),
    });
  }
  let fields: z.output<typeof DatasetUploadSchema>;
  try {
    fields = fieldsOf(url);
  } catch (e) {
    return fail(400, e);
  }
  try {
    const value = await upload(fields, { bytes: Number.isFinite(declared) ? declared : 0, chunks: limited(req, max) });
    return answer(req, res, 200, { ok: true, value });
  } catch (e) {
    const wire = toWireError(e);
    return fail(wire.code === 'too_large' ? 413 : wire.code === 'internal' ? 500 : 400, e);
  }
}
