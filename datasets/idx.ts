// IDX files (the format of MNIST and Fashion-MNIST), gzipped or not: an images file (n × rows × cols unsigned
// bytes, magic 0x00000803) and a labels file (n unsigned bytes, magic 0x00000801). Pixels are scaled to [0, 1].
// Layout: 2 zero bytes, a type byte (0x08 = unsigned byte), a dimension count, then one big-endian uint32 per
// dimension, then the data, row-major.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ImportError, readError } from './errors.ts';
import type { ImportedData, ImportProgress } from './imported.ts';
import type { RowSink } from './sink.ts';
import { openRegularFile, readChunks } from './open-file.ts';

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
/** Pixels handed to the sink at a time (≈ 1 MB of float32), in whole images. */
const CHUNK_PIXELS = 262_144;
/** Data bytes one file may announce: 4× EMNIST's largest file, and held in memory whole. */
export const MAX_IDX_BYTES = 2 ** 31;
/** Pixels per image: 1024 × 1024. */
export const MAX_IDX_PIXELS = 2 ** 20;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** The header after the magic number, type and dimension count are checked; null until `head` holds all of it. */
function parseHeader(
  head: Uint8Array,
  file: string,
  expectDims: number,
): { dims: number[]; headerBytes: number } | null {
  if (head.length < 4) return null;
  const magic = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
  const hex = (v: number, digits: number) => `0x${v.toString(16).padStart(digits, '0')}`;
  const expected = hex(0x800 + expectDims, 8);
  if (head[0] !== 0 || head[1] !== 0)
    throw new ImportError('bad_idx', `${file}: not an IDX file (magic number ${hex(magic, 8)}; expected ${expected})`, {
      file,
    });
  const type = head[2]!;
  const ndims = head[3]!;
  if (type !== UNSIGNED_BYTE)
    throw new ImportError(
      'bad_idx',
      `${file}: IDX data type ${hex(type, 2)} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported; expected 0x08 (unsigned byte)`,
      { file },
    );
  if (ndims !== expectDims)
    throw new ImportError(
      'bad_idx',
      `${file}: magic number ${hex(magic, 8)} says ${ndims} dimensions; expected ${expectDims} (${expected}, ${expectDims === 1 ? 'labels' : 'images'})`,
      { file },
    );
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) return null;
  const view = new DataView(head.buffer, head.byteOffset, headerBytes);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const pixels = dims.slice(1).reduce((a, b) => a * b, 1);
  if (pixels > MAX_IDX_PIXELS)
    throw new ImportError(
      'bad_idx',
      `${file}: its header says images of ${dims.slice(1).join(' × ')} pixels; at most ${MAX_IDX_PIXELS} (1024 × 1024) are supported`,
      { file },
    );
  const size = dims[0]! * pixels;
  if (size > MAX_IDX_BYTES)
    throw new ImportError(
      'bad_idx',
      `${file}: its header says ${dims.join(' × ')} = ${size} bytes of data; at most ${MAX_IDX_BYTES} (2 GiB) are supported`,
      { file },
    );
  return { dims, headerBytes };
}

/** The first bytes of a stream, and the whole stream again (those bytes first). */
async function peek(
  chunks: AsyncIterable<Uint8Array>,
  bytes: number,
): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    have += r.value.length;
  }
  const all = (async function* () {
    yield* seen;
    if (!done) yield* { [Symbol.asyncIterator]: () => it };
  })();
  return { head: Buffer.concat(seen).subarray(0, bytes), all };
}

/**
 * One IDX array of unsigned bytes from a stream of its file's bytes, gunzipped when it starts with the gzip magic.
 * The header is checked first; then at most the bytes it announces are kept, and a stream that holds more (a gzip
 * bomb, trailing bytes) is refused: memory holds the data read so far (up to twice, while growing) and one chunk.
 */
export async function readIdx(chunks: AsyncIterable<Uint8Array>, file: string, expectDims: number): Promise<IdxArray> {
  const { head, all } = await peek(chunks, 2);
  const gzipped = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const source = Readable.from(all, { highWaterMark: 1 });
  const decoded = gzipped ? source.pipe(createGunzip()) : source;
  let header = new Uint8Array(0);
  let parsed: { dims: number[]; headerBytes: number } | null = null;
  let data = new Uint8Array(0);
  let size = 0;
  let have = 0;
  let extra = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Uint8Array>) {
      let rest = chunk;
      if (!parsed) {
        header = Buffer.concat([header, chunk]);
        parsed = parseHeader(header, file, expectDims);
        if (!parsed) continue;
        size = parsed.dims.reduce((a, b) => a * b, 1);
        rest = header.subarray(parsed.headerBytes);
      }
      const room = size - have;
      // Grown as data arrives (doubling), so a short file that announces 2 GiB never allocates it.
      if (have + Math.min(room, rest.length) > data.length) {
        const grown = new Uint8Array(Math.min(size, Math.max(have + rest.length, 2 * data.length, 1 << 16)));
        grown.set(data.subarray(0, have));
        data = grown;
      }
      data.set(rest.subarray(0, room), have);
      have += Math.min(room, rest.length);
      if (rest.length > room) {
        extra += rest.length - room;
        if (gzipped)
          throw new ImportError(
            'bad_idx',
            `${file}: decompresses to more than the ${parsed.dims.join(' × ')} values its header announces (a damaged file or a gzip bomb); stopped there`,
            { file },
          );
      }
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if (
      gzipped &&
      typeof (e as NodeJS.ErrnoException).code === 'string' &&
      (e as NodeJS.ErrnoException).code!.startsWith('Z_')
    )
      throw new ImportError('bad_idx', `${file}: a gzip file that does not decompress (${(e as Error).message})`, {
        file,
      });
    throw e;
  } finally {
    source.destroy();
    decoded.destroy();
  }
  if (!parsed) {
    if (header.length < 4)
      throw new ImportError(
        'bad_idx',
        `${file}: not an IDX file (magic number missing; expected 0x${(0x800 + expectDims).toString(16).padStart(8, '0')})`,
        { file },
      );
    throw new ImportError('bad_idx', `${file}: truncated in its header (${header.length} bytes)`, { file });
  }
  if (have < size)
    throw new ImportError(
      'bad_idx',
      `${file}: truncated: its header says ${parsed.dims.join(' × ')} = ${size} bytes of data, the file has ${have}`,
      { file },
    );
  if (extra > 0)
    throw new ImportError(
      'bad_idx',
      `${file}: ${extra} bytes after the ${parsed.dims.join(' × ')} values its header announces`,
      { file },
    );
  return { dims: parsed.dims, data };
}

/** An IDX file on disk, streamed in 64 KB chunks. */
async function readIdxFile(file: string, expectDims: number): Promise<{ array: IdxArray; bytes: number }> {
  let bytes = 0;
  const stream = readChunks(await openRegularFile(file));
  const chunks = (async function* () {
    try {
      for await (const chunk of stream) {
        bytes += (chunk as Uint8Array).length;
        yield chunk as Uint8Array;
      }
    } catch (e) {
      throw readError(file, e);
    }
  })();
  try {
    return { array: await readIdx(chunks, file, expectDims), bytes };
  } finally {
    stream.destroy();
  }
}

export interface IdxImportOptions {
  onProgress?(progress: ImportProgress): void;
}

/** An images file and its labels file → features (pixels / 255) to `sink` and the class labels. */
export async function importIdxFiles(
  imagesFile: string,
  labelsFile: string,
  sink: RowSink,
  options: IdxImportOptions = {},
): Promise<ImportedData> {
  const { array: images, bytes: imageBytes } = await readIdxFile(imagesFile, 3);
  const { array: labels, bytes: labelBytes } = await readIdxFile(labelsFile, 1);
  const n = images.dims[0]!;
  if (labels.dims[0] !== n)
    throw new ImportError('bad_idx', `${labelsFile} has ${labels.dims[0]} labels but ${imagesFile} has ${n} images`, {
      file: labelsFile,
    });
  if (n === 0) throw new ImportError('empty', `${imagesFile} holds no images`, { file: imagesFile });
  const [, height, width] = images.dims as [number, number, number];
  const features = height * width;
  const featureNames = Array.from({ length: features }, (_, j) => `px_${Math.floor(j / width)}_${j % width}`);
  sink.start({ features, featureNames });
  const chunkRows = Math.max(1, Math.floor(CHUNK_PIXELS / Math.max(1, features)));
  const chunk = new Float32Array(chunkRows * features);
  for (let start = 0; start < n; start += chunkRows) {
    const rows = Math.min(chunkRows, n - start);
    const from = start * features;
    for (let i = 0; i < rows * features; i++) chunk[i] = images.data[from + i]! / 255;
    sink.append(chunk, rows);
    options.onProgress?.({ bytesRead: imageBytes, totalBytes: imageBytes, rows: start + rows });
  }
  // Classes are the label values that occur, in numeric order (MNIST: 0…9).
  const present = [...new Set(labels.data)].sort((a, b) => a - b);
  if (present.length < 2)
    throw new ImportError(
      'one_class',
      `${labelsFile}: every label is ${present[0]}; a classifier needs at least two classes`,
      { file: labelsFile },
    );
  const rank = new Map(present.map((v, i) => [v, i]));
  return {
    task: 'classification',
    rows: n,
    features,
    featureNames,
    outputs: present.length,
    targetName: 'label',
    labels: Uint32Array.from(labels.data, (v) => rank.get(v)!),
    classLabels: present.map(String),
    source: { kind: 'idx', files: [imagesFile, labelsFile], bytes: imageBytes + labelBytes },
  };
}
