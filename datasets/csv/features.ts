// Feature rows for prediction from a CSV file: the columns a model was trained on, found by name when the file has
// a header that holds them all (other columns, such as the target, are ignored), else by position.
import { createReadStream } from 'node:fs';
import { excerpt, excerptList } from '../../engine/excerpt.ts';
import { ImportError, readError } from '../errors.ts';
import { GrowableFloat32 } from '../growable.ts';
import { csvRecords } from './records.ts';
import { isMissing, looksLikeHeader, parseNumber } from './sniff.ts';
import type { CsvRecord } from './tokenizer.ts';

export interface FeatureRows {
  /** n × features, row-major */
  x: Float32Array;
  n: number;
  /** 1-based file line of each row, for messages about a row */
  lines: number[];
}

function pickColumns(
  file: string,
  header: string[] | undefined,
  width: number,
  features: number,
  names?: string[],
): number[] {
  const cols = header?.map((h) => h.trim());
  if (cols && names?.length === features && names.every((n) => cols.includes(n)))
    return names.map((n) => cols.indexOf(n));
  if (width === features) return Array.from({ length: features }, (_, i) => i);
  const wanted = names ? ` (${excerptList(names)})` : '';
  const has = cols ? `columns ${excerptList(cols)}` : `${width} columns and no header`;
  throw new ImportError('ragged', `${file} has ${has}; the model takes ${features} features${wanted}`, { file });
}

export async function readCsvFeatures(
  file: string,
  model: { features: number; featureNames?: string[] },
): Promise<FeatureRows> {
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  const chunks = (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (e) {
      throw readError(file, e);
    }
  })();
  const values = new GrowableFloat32();
  const lines: number[] = [];
  let first: CsvRecord | undefined;
  let columns: number[] | undefined;
  let width = 0;
  let delimiter = ',';
  const row = (r: CsvRecord) => {
    if (r.fields.length !== width)
      throw new ImportError('ragged', `${file} line ${r.line}: expected ${width} fields, found ${r.fields.length}`, {
        file,
        line: r.line,
      });
    for (const j of columns!) {
      const field = r.fields[j]!;
      const v = isMissing(field) ? NaN : parseNumber(field, delimiter);
      if (Number.isNaN(v))
        throw new ImportError(
          isMissing(field) ? 'missing_values' : 'not_a_number',
          `${file} line ${r.line}, column ${j + 1}: ${excerpt(field.trim())} is not a number`,
          { file, line: r.line },
        );
      values.push(v);
    }
    lines.push(r.line);
  };
  try {
    for await (const batch of csvRecords(chunks, file)) {
      delimiter = batch.delimiter;
      for (const r of batch.records) {
        if (columns) row(r);
        else if (!first) first = r;
        else {
          const header = looksLikeHeader(first.fields, r.fields, delimiter);
          width = first.fields.length;
          columns = pickColumns(file, header ? first.fields : undefined, width, model.features, model.featureNames);
          if (!header) row(first);
          row(r);
        }
      }
    }
  } finally {
    stream.destroy();
  }
  if (!first) throw new ImportError('empty', `${file} is empty: no rows`, { file });
  if (!columns) {
    width = first.fields.length;
    const header = looksLikeHeader(first.fields, undefined, delimiter);
    if (header) throw new ImportError('no_rows', `${file} has a header but no data rows`, { file });
    columns = pickColumns(file, undefined, width, model.features, model.featureNames);
    row(first);
  }
  return { x: values.toArray(), n: lines.length, lines };
}
