// The records of a CSV byte stream, in order, with the delimiter guessed from the first 64 KB of text: the one front
// end of every CSV reader (the importer, the table importer's sources, predict's feature rows). Blank-separated
// tables (UCI's .data files) go to their own tokenizer.
import { BLANKS, detectDelimiter, type Delimiter } from './sniff.ts';
import { decodeUtf8 } from './text.ts';
import { CsvTokenizer, type CsvRecord } from './tokenizer.ts';
import { WhitespaceTokenizer } from './whitespace-tokenizer.ts';

const SNIFF_BYTES = 64 * 1024;

export async function* csvRecords(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  delimiter?: Delimiter,
  /** the bytes read so far, after each chunk */
  onBytes: (total: number) => void = () => {},
): AsyncGenerator<{ records: CsvRecord[]; delimiter: string }> {
  let tokenizer: CsvTokenizer | WhitespaceTokenizer | undefined;
  let pending = '';
  const start = (final: boolean) => {
    // Guess from whole lines only: a cut-off last line would look inconsistent.
    const cut = final ? pending.length : pending.lastIndexOf('\n') + 1;
    const d = delimiter ?? detectDelimiter(pending.slice(0, cut || pending.length));
    tokenizer = d === BLANKS ? new WhitespaceTokenizer(file) : new CsvTokenizer(d, file);
    const records = tokenizer.push(pending);
    pending = '';
    return records;
  };
  for await (const text of decodeUtf8(chunks, file, onBytes)) {
    if (tokenizer) yield { records: tokenizer.push(text), delimiter: tokenizer.delimiter };
    else {
      pending += text;
      if (pending.length >= SNIFF_BYTES) yield { records: start(false), delimiter: tokenizer!.delimiter };
    }
  }
  const records = tokenizer ? [] : start(true);
  yield { records: [...records, ...tokenizer!.end()], delimiter: tokenizer!.delimiter };
}
