// The Node entry point of the CSV importer: a file on disk, read as a stream in 64 KB chunks (small chunks keep the garbage per step, and so the heap, small).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { readError } from '../errors.ts';
import type { ImportedData } from '../imported.ts';
import type { RowSink } from '../sink.ts';
import { importCsvStream, type CsvImportOptions } from './import.ts';

export async function importCsvFile(path: string, options: CsvImportOptions, sink: RowSink): Promise<ImportedData> {
  let bytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    bytes = info.size;
  } catch (e) {
    throw readError(path, e);
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  const chunks = (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (e) {
      throw readError(path, e);
    }
  })();
  try {
    return await importCsvStream({ name: path, bytes, chunks }, options, sink);
  } finally {
    stream.destroy();
  }
}
