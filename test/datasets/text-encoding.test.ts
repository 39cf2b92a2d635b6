// Table text encodings: UTF-8 (with or without a byte-order mark), and Windows-1252 where the file is not UTF-8
// (spreadsheets on Windows save CSV so), whatever the chunk size, even with the first é at a chunk's last byte;
// binary files stay refused.
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../datasets/csv/text.ts';
import { bytesIn, importText } from './helpers.ts';

async function decode(bytes: Uint8Array, chunk: number): Promise<string> {
  let out = '';
  for await (const t of decodeUtf8(bytesIn(bytes, chunk), 'f.csv', () => {})) out += t;
  return out;
}

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('text encodings', () => {
  it('reads Windows-1252 where the file is not UTF-8, in any chunking', async () => {
    const text = 'city,price,label\nCafé Zürich,3,a\nS£o,4,b\n';
    const bytes = latin1(text);
    for (const chunk of [1, 2, 3, 17, 18, 19, 1 << 16]) expect(await decode(bytes, chunk)).toBe(text);
    const { data } = await importText(latin1('x,label\n1,café\n2,thé\n'), { target: 'label' });
    expect(data.classLabels).toEqual(['café', 'thé']);
  });

  it('reads UTF-8 (a BOM dropped) in any chunking', async () => {
    const text = 'city,label\nCafé Zürich,a\n東京,b\n';
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    for (const chunk of [1, 2, 3, 5, 1 << 16]) expect(await decode(bytes, chunk)).toBe(text);
  });

  it('refuses UTF-8 that turns invalid, and control characters in a file that is not UTF-8', async () => {
    const mixed = new Uint8Array([...new TextEncoder().encode('a,é\n'), 0xe9, 0x0a]);
    await expect(decode(mixed, 1 << 16)).rejects.toMatchObject({ code: 'binary' });
    const controls = new Uint8Array([...latin1('a,é\n'), 0x01, 0x02, 0x0a]);
    await expect(decode(controls, 1 << 16)).rejects.toMatchObject({ code: 'binary' });
  });
});
