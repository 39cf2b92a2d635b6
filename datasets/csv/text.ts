// Bytes → text, chunk by chunk, refusing binary files: a NUL character (or, in a file that is not UTF-8, another
// control character) is not a table. UTF-8 is expected; a file whose first non-ASCII byte is not UTF-8 is read as
// Windows-1252 instead, as spreadsheets on Windows save CSV (Kaggle's Superstore and SMS spam tables: "Café" as
// one byte é), so it imports rather than being refused; a file that turns invalid after valid multi-byte UTF-8 is
// refused (it is neither). A UTF-8 byte-order mark at the start is dropped (TextDecoder does that by default).
import { ImportError } from '../errors.ts';

/** C0 control characters that no text table holds (tab, LF, FF and CR are allowed). */
const CONTROL = /[\x01-\x08\x0b\x0e-\x1f]/;

/** Whether the first non-ASCII byte of `bytes` starts a valid UTF-8 sequence: UTF-8 text, not Windows-1252. */
function startsWithUtf8(bytes: Uint8Array): boolean {
  const j = bytes.findIndex((b) => b > 0x7f);
  if (j < 0) return false;
  const b = bytes[j]!;
  const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len === 0 || j + len > bytes.length) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(j, j + len));
    return true;
  } catch {
    return false;
  }
}

export async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  onBytes: (total: number) => void,
): AsyncGenerator<string> {
  let decoder = new TextDecoder('utf-8', { fatal: true });
  let legacy = false;
  // the text decoded so far is ASCII: the file can still turn out to be Windows-1252
  let ascii = true;
  let last: Uint8Array = new Uint8Array(0);
  let total = 0;
  const binary = (at: number) =>
    new ImportError('binary', `${file} is not a text CSV file: binary data near byte ${at} (expected UTF-8 text)`, {
      file,
    });
  const check = (text: string) => {
    const nul = text.indexOf('\0');
    if (nul >= 0) throw binary(total + nul);
    const control = legacy ? CONTROL.exec(text) : null;
    if (control) throw binary(total + control.index);
  };
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      if (!ascii) throw binary(total);
      // The UTF-8 decoder may hold the last chunk's final bytes (a lead byte it took for a sequence's start).
      let held = 0;
      while (held < Math.min(3, last.length) && last[last.length - 1 - held]! > 0x7f) held++;
      let bytes = chunk;
      if (held > 0) {
        bytes = new Uint8Array(held + chunk.length);
        bytes.set(last.subarray(last.length - held));
        bytes.set(chunk, held);
      }
      if (total === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      if (startsWithUtf8(bytes)) throw binary(total);
      decoder = new TextDecoder('windows-1252');
      legacy = true;
      text = decoder.decode(bytes, { stream: true });
    }
    if (ascii && !legacy) ascii = !/[^\x00-\x7f]/.test(text);
    check(text);
    last = chunk;
    total += chunk.byteLength;
    onBytes(total);
    yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw binary(total);
  }
  if (rest) {
    check(rest);
    yield rest;
  }
}
