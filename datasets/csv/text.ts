// Bytes → UTF-8 text, chunk by chunk, refusing binary files: invalid UTF-8 or a NUL character is not a CSV file.
// A UTF-8 byte-order mark at the start is dropped (TextDecoder does that by default).
import { ImportError } from '../errors.ts';

export async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  onBytes: (total: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  const binary = (at: number) =>
    new ImportError('binary', `${file} is not a text CSV file: binary data near byte ${at} (expected UTF-8 text)`, {
      file,
    });
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw binary(total);
    }
    const nul = text.indexOf('\0');
    if (nul >= 0) throw binary(total + nul);
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
  if (rest) yield rest;
}
