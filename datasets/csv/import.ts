// CSV → features streamed to a RowSink plus the target column (class labels or numbers). Reads any stream of bytes
// (a file, a browser File's stream) chunk by chunk: memory holds one chunk of text, one chunk of feature rows and
// a label or target per row, never the file.
import { excerpt } from '../../engine/excerpt.ts';
import { ImportError } from '../errors.ts';
import { GrowableFloat32, GrowableUint32 } from '../growable.ts';
import type { ImportedData, ImportProgress } from '../imported.ts';
import type { RowSink } from '../sink.ts';
import { resolveColumns, type Columns } from './columns.ts';
import { csvRecords } from './records.ts';
import { isMissing, looksLikeHeader, parseNumber, type Delimiter } from './sniff.ts';
import type { CsvRecord } from './tokenizer.ts';

export interface CsvImportOptions {
  /** the target column: its header name, or its 1-based position */
  target: string;
  /** default: TargetColumn's rule (a few whole numbers, or any text, are classes; other numbers a regression) */
  task?: 'classification' | 'regression';
  /** drop rows with an empty or NA field instead of refusing the file */
  dropMissing?: boolean;
  /** default: detected */
  header?: boolean;
  /** default: detected among comma, semicolon, tab */
  delimiter?: Delimiter;
  /** feature rows per chunk handed to the sink; default ≈ 1 MB of float32 */
  chunkRows?: number;
  onProgress?(progress: ImportProgress): void;
}

/** A classifier with more classes than this is almost certainly a mistake (an id or a float column). */
export const MAX_CLASSES = 1000;
/** Without --task, whole-number targets with at most this many distinct values may be classes (TargetColumn). */
export const AUTO_CLASS_LIMIT = 50;
/** Without --task, whole-number targets with at most this many distinct values are always classes. */
export const FEW_CLASSES = 10;
const INTEGER_TEXT = /^[+-]?\d+$/;
/** Missing-value lines listed in the error. */
const LIST_LINES = 10;

export interface ByteSource {
  /** shown in messages: the file's path or name */
  name: string;
  /** for progress; 0 when unknown */
  bytes: number;
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * The target column of a table: class labels (sorted) or regression numbers, one per row. Without --task, text is
 * classes; numbers are classes when they are whole numbers with at most FEW_CLASSES distinct values (0/1, wine
 * quality 3–9, also written 1.0), or at most AUTO_CLASS_LIMIT written as integers that repeat (at most half as many
 * distinct values as rows: abalone's rings); any other numbers are a regression (prices written 452600.0, a
 * scaled 1.51e+02, twenty distinct integers in twenty rows).
 */
export class TargetColumn {
  private readonly index = new Map<string, number>();
  private readonly seen: string[] = [];
  private readonly labels = new GrowableUint32();
  private numbers: GrowableFloat32 | null = new GrowableFloat32();
  private allIntegers = true;
  /** every target is written as digits only (no decimal point, no exponent) */
  private integerText = true;
  private rows = 0;
  private tooMany = false;

  constructor(
    private readonly file: string,
    private readonly name: string,
    private readonly task: CsvImportOptions['task'],
    private readonly delimiter: string,
  ) {}

  add(field: string, line: number): void {
    const text = field.trim();
    const v = parseNumber(text, this.delimiter);
    if (this.task === 'regression' && Number.isNaN(v))
      throw new ImportError(
        'not_a_number',
        `${this.file} line ${line}, column ${excerpt(this.name)}: ${excerpt(text)} is not a number (the target of a regression)`,
        { file: this.file, line, column: this.name },
      );
    this.rows++;
    if (Number.isNaN(v)) this.numbers = null;
    else {
      this.numbers?.push(v);
      if (!Number.isInteger(v)) this.allIntegers = false;
      if (this.integerText && !INTEGER_TEXT.test(text)) this.integerText = false;
    }
    if (this.task === 'regression' || this.tooMany) return;
    const key = Number.isNaN(v) ? text : String(v);
    let k = this.index.get(key);
    if (k === undefined) {
      if (this.index.size >= MAX_CLASSES) {
        if (this.task === 'classification' || !this.numbers)
          throw new ImportError(
            'too_many_classes',
            `${this.file} line ${line}, column ${excerpt(this.name)}: more than ${MAX_CLASSES} distinct values; a classification target has a few classes${this.numbers ? ' (is it a regression target? pass --task regression)' : ''}`,
            { file: this.file, line, column: this.name },
          );
        this.tooMany = true;
        return;
      }
      k = this.seen.length;
      this.index.set(key, k);
      this.seen.push(key);
    }
    this.labels.push(k);
  }

  finish(): Pick<ImportedData, 'task' | 'outputs' | 'labels' | 'classLabels' | 'targets'> {
    const distinct = this.seen.length;
    const fewWholeNumbers =
      this.allIntegers &&
      !this.tooMany &&
      (distinct <= FEW_CLASSES || (this.integerText && distinct <= AUTO_CLASS_LIMIT && distinct * 2 <= this.rows));
    const regression =
      this.task === 'regression' || (this.task === undefined && this.numbers !== null && !fewWholeNumbers);
    if (regression) return { task: 'regression', outputs: 1, targets: this.numbers!.toArray() };
    if (this.seen.length < 2)
      throw new ImportError(
        'one_class',
        `${this.file}: the target column ${excerpt(this.name)} has one class only (${excerpt(this.seen[0])}); a classifier needs at least two`,
        { file: this.file, column: this.name },
      );
    // Classes in a stable order, whatever order the rows come in: numerically when they are numbers.
    const numeric = this.numbers !== null;
    const sorted = [...this.seen].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(sorted.map((label, i) => [label, i]));
    const remap = Uint32Array.from(this.seen, (label) => rank.get(label)!);
    const labels = this.labels.toArray();
    for (let i = 0; i < labels.length; i++) labels[i] = remap[labels[i]!]!;
    return { task: 'classification', outputs: sorted.length, labels, classLabels: sorted };
  }
}

export async function importCsvStream(
  source: ByteSource,
  options: CsvImportOptions,
  sink: RowSink,
): Promise<ImportedData> {
  const file = source.name;
  let bytesRead = 0;
  let delimiter: string = options.delimiter ?? ',';
  let first: CsvRecord | undefined;
  let columns: Columns | undefined;
  let target: TargetColumn | undefined;
  let buffer = new Float32Array(0);
  let chunkRows = 0;
  let inChunk = 0;
  let rows = 0;
  let dropped = 0;
  let header = false;
  const missingLines: number[] = [];
  let missingRows = 0;

  const setUp = (firstRecord: CsvRecord, second: CsvRecord | undefined) => {
    header = options.header ?? looksLikeHeader(firstRecord.fields, second?.fields, delimiter, options.target);
    columns = resolveColumns(file, header ? firstRecord.fields : undefined, firstRecord.fields.length, options.target);
    target = new TargetColumn(file, columns.targetName, options.task, delimiter);
    chunkRows = options.chunkRows ?? Math.max(1, Math.floor(262_144 / Math.max(1, columns.features.length)));
    buffer = new Float32Array(chunkRows * columns.features.length);
    sink.start({ features: columns.features.length, featureNames: columns.featureNames });
  };

  const flush = () => {
    if (inChunk > 0) sink.append(buffer, inChunk);
    inChunk = 0;
  };

  const row = (r: CsvRecord) => {
    const c = columns!;
    const f = r.fields;
    if (f.length !== c.width)
      throw new ImportError(
        'ragged',
        `${file} line ${r.line}: expected ${c.width} fields${header ? ' (as in the header)' : ' (as in the first row)'}, found ${f.length}`,
        { file, line: r.line },
      );
    for (const j of c.all)
      if (isMissing(f[j]!)) {
        if (options.dropMissing) dropped++;
        else {
          missingRows++;
          if (missingLines.length < LIST_LINES) missingLines.push(r.line);
        }
        return;
      }
    const base = inChunk * c.features.length;
    for (let k = 0; k < c.features.length; k++) {
      const j = c.features[k]!;
      const v = parseNumber(f[j]!, delimiter);
      if (Number.isNaN(v))
        throw new ImportError(
          'not_a_number',
          `${file} line ${r.line}, column ${j + 1} (${excerpt(c.names[j])}): ${excerpt(f[j]!.trim())} is not a number (features must be numeric)`,
          { file, line: r.line, column: c.names[j] },
        );
      buffer[base + k] = v;
    }
    target!.add(f[c.target]!, r.line);
    rows++;
    if (++inChunk === chunkRows) flush();
  };

  const take = (records: CsvRecord[]) => {
    for (const r of records) {
      if (columns) row(r);
      else if (!first) first = r;
      else {
        setUp(first, r);
        if (!header) row(first);
        row(r);
      }
    }
  };

  for await (const batch of csvRecords(source.chunks, file, options.delimiter, (n) => (bytesRead = n))) {
    delimiter = batch.delimiter;
    take(batch.records);
    options.onProgress?.({ bytesRead, totalBytes: source.bytes, rows });
  }

  if (!first) throw new ImportError('empty', `${file} is empty: no rows`, { file });
  if (!columns) {
    setUp(first, undefined);
    if (!header) row(first);
  }
  if (missingRows > 0) {
    const more = missingRows > missingLines.length ? `, … (${missingRows} rows)` : '';
    throw new ImportError(
      'missing_values',
      `${file}: missing values (empty or NA fields) on line${missingRows > 1 ? 's' : ''} ${missingLines.join(', ')}${more}; fix them or pass --drop-missing`,
      { file, line: missingLines[0] },
    );
  }
  if (rows === 0)
    throw new ImportError(
      'no_rows',
      header
        ? `${file} has a header but no data rows`
        : `${file} has no complete rows${dropped ? ` (${dropped} dropped for missing values)` : ''}`,
      { file },
    );
  flush();
  options.onProgress?.({ bytesRead, totalBytes: source.bytes, rows });
  const c = columns!;
  return {
    ...target!.finish(),
    rows,
    features: c.features.length,
    featureNames: c.featureNames,
    targetName: c.targetName,
    source: { kind: 'csv', files: [file], bytes: bytesRead, delimiter, header, droppedRows: dropped },
  };
}
