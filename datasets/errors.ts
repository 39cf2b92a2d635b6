// Errors of dataset import: a user's file is at fault, so each one names the file and, where it can, the line,
// column and value. exitCode 2 makes the CLI print the message alone and exit 2 (cli/main.ts).
export type ImportErrorCode =
  | 'cannot_read' // the file does not exist or cannot be opened
  | 'empty' // no bytes, or no rows
  | 'no_rows' // a header and nothing else
  | 'binary' // not UTF-8 text
  | 'ragged' // a row with another number of fields than the header
  | 'not_a_number' // a feature (or a regression target) that does not parse as a number
  | 'missing_values' // rows with empty or NA fields, without --drop-missing (the numeric CSV reader)
  | 'one_class' // a classification target with a single value
  | 'too_many_classes' // a classification target with more distinct values than a classifier should have
  | 'unknown_column' // --target names no column
  | 'unclosed_quote'
  | 'record_too_long' // one record longer than the tokenizer's cap (a missing closing quote, most often)
  | 'bad_idx' // wrong magic number, sizes that do not match, truncated data
  | 'bad_option' // an option value the importer cannot use
  | 'ambiguous_column' // a number that is a column's position and another column's name
  | 'duplicate_column' // two header names alike
  | 'too_many_categories' // a string feature with more distinct values than one-hot encoding should take
  | 'changed'; // the file changed between the importer's two passes

export class ImportError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly where: { file?: string; line?: number; column?: string } = {},
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

const READ_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
};

/** A file-system error while reading `file` as an ImportError naming the file and the reason. */
export function readError(file: string, e: unknown): ImportError {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const reason = READ_REASONS[code] ?? (e as Error)?.message ?? String(e);
  return new ImportError('cannot_read', `cannot read ${file}: ${reason}${code ? ` (${code})` : ''}`, { file });
}
