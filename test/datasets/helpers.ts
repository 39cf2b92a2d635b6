// Shared by the dataset tests: import CSV text through the real streaming importer into memory, in chunks of a
// chosen size so record boundaries fall anywhere.
import { importCsvStream, type CsvImportOptions } from '../../datasets/csv/import.ts';
import { MemorySink } from '../../datasets/sink.ts';

export function bytesIn(text: string | Uint8Array, chunkBytes = 1 << 20): AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return (async function* () {
    for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
  })();
}

export async function importText(text: string | Uint8Array, options: CsvImportOptions, chunkBytes?: number) {
  const sink = new MemorySink();
  const data = await importCsvStream(
    {
      name: 'data.csv',
      bytes: typeof text === 'string' ? text.length : text.length,
      chunks: bytesIn(text, chunkBytes),
    },
    options,
    sink,
  );
  return { data, x: Array.from(sink.rows()), sink };
}

/** An IDX file of unsigned bytes: magic 0x0000 08 <dims>, big-endian sizes, then the data. */
export function idxBytes(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
