// The Node entry point of the CSV importer: a regular file on disk (openRegularFile), read as a stream of 64 KB chunks.
import { readError } from '../errors.ts';
import { openRegularFile, readChunks } from '../open-file.ts';
import type { ImportedData } from '../imported.ts';
import type { RowSink } from '../sink.ts';
import { importCsvStream, type CsvImportOptions } from './import.ts';

export async function importCsvFile(path: string, options: CsvImportOptions, sink: RowSink): Promise<ImportedData> {
  const opened = await openRegularFile(path);
  const bytes = opened.bytes;
  const stream = readChunks(opened);
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
