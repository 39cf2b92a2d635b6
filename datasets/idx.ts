// IDX files (the format of MNIST and Fashion-MNIST), gzipped or not: an images file (n × rows × cols unsigned
// bytes, magic 0x00000803) and a labels file (n unsigned bytes, magic 0x00000801). Pixels are scaled to [0, 1].
// Layout: 2 zero bytes, a type byte (0x08 = unsigned byte), a dimension count, then one big-endian uint32 per
// dimension, then the data, row-major.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ImportError, readError } from './errors.ts';
import type { ImportedData, ImportProgress } from './imported.ts';
import type { RowSink } from './sink.ts';

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };
/** Image rows handed to the sink at a time. */
const CHUNK_ROWS = 1024;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

async function readMaybeGzipped(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw readError(file, e);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (e) {
      throw new ImportError('bad_idx', `${file}: a gzip file that does not decompress (${(e as Error).message})`, { file });
    }
  }
  return bytes;
}

/** Parses one IDX array of unsigned bytes, checking the magic number, the dimension count and the data size. */
export function parseIdx(bytes: Uint8Array, file: string, expectDims: number): IdxArray {
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : NaN;
  const expected = `0x${(0x800 + expectDims).toString(16).padStart(8, '0')}`;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new ImportError('bad_idx', `${file}: not an IDX file (magic number ${Number.isNaN(magic) ? 'missing' : `0x${magic.toString(16).padStart(8, '0')}`}; expected ${expected})`, { file });
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  if (type !== UNSIGNED_BYTE)
    throw new ImportError('bad_idx', `${file}: IDX data type 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported; expected 0x08 (unsigned byte)`, { file });
  if (ndims !== expectDims)
    throw new ImportError('bad_idx', `${file}: magic number 0x${magic.toString(16).padStart(8, '0')} says ${ndims} dimensions; expected ${expectDims} (${expected}, ${expectDims === 1 ? 'labels' : 'images'})`, { file });
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new ImportError('bad_idx', `${file}: truncated in its header (${bytes.length} bytes)`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < size)
    throw new ImportError('bad_idx', `${file}: truncated: its header says ${dims.join(' × ')} = ${size} bytes of data, the file has ${have}`, { file });
  if (have > size)
    throw new ImportError('bad_idx', `${file}: ${have - size} bytes after the ${dims.join(' × ')} values its header announces`, { file });
  return { dims, data: bytes.subarray(headerBytes) };
}

export interface IdxImportOptions {
  onProgress?(progress: ImportProgress): void;
}

/** An images file and its labels file → features (pixels / 255) to `sink` and the class labels. */
export async function importIdxFiles(imagesFile: string, labelsFile: string, sink: RowSink, options: IdxImportOptions = {}): Promise<ImportedData> {
  const imageBytes = await readMaybeGzipped(imagesFile);
  const labelBytes = await readMaybeGzipped(labelsFile);
  const images = parseIdx(imageBytes, imagesFile, 3);
  const labels = parseIdx(labelBytes, labelsFile, 1);
  const n = images.dims[0]!;
  if (labels.dims[0] !== n)
    throw new ImportError('bad_idx', `${labelsFile} has ${labels.dims[0]} labels but ${imagesFile} has ${n} images`, { file: labelsFile });
  if (n === 0) throw new ImportError('empty', `${imagesFile} holds no images`, { file: imagesFile });
  const [, height, width] = images.dims as [number, number, number];
  const features = height * width;
  const featureNames = Array.from({ length: features }, (_, j) => `px_${Math.floor(j / width)}_${j % width}`);
  sink.start({ features, featureNames });
  const chunk = new Float32Array(CHUNK_ROWS * features);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - start);
    const from = start * features;
    for (let i = 0; i < rows * features; i++) chunk[i] = images.data[from + i]! / 255;
    sink.append(chunk, rows);
    options.onProgress?.({ bytesRead: imageBytes.length, totalBytes: imageBytes.length, rows: start + rows });
  }
  // Classes are the label values that occur, in numeric order (MNIST: 0…9).
  const present = [...new Set(labels.data)].sort((a, b) => a - b);
  if (present.length < 2)
    throw new ImportError('one_class', `${labelsFile}: every label is ${present[0]}; a classifier needs at least two classes`, { file: labelsFile });
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
    source: { kind: 'idx', files: [imagesFile, labelsFile], bytes: imageBytes.length + labelBytes.length },
  };
}
