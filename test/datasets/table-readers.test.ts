// The table importer's pieces on their own: the streamed JSON array splitter whatever the chunking (strings with
// braces, quotes and escapes, nested objects, line counting), NDJSON, and the date forms read or refused.
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../engine/data/dates.ts';
import { jsonArrayRecords, ndjsonRecords } from '../../datasets/table/json-records.ts';

async function collect(gen: AsyncGenerator<{ value: unknown; line: number }[]>) {
  const out: { value: unknown; line: number }[] = [];
  for await (const batch of gen) out.push(...batch);
  return out;
}

function pieces(text: string, size: number): AsyncIterable<string> {
  return (async function* () {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  })();
}

const ROWS = [
  { a: 1, s: 'braces { and } and "quotes" and \\ and \n newline', n: null },
  { a: 2.5, nested: { x: [1, { y: '}' }] }, s: '' },
  { a: -3, s: '\u00e9\u4e2d' },
];

describe('table readers', () => {
  it.each([1, 2, 7, 64, 1 << 16])(
    'a JSON array of objects split into %i-character chunks reads as JSON.parse reads it',
    async (size) => {
      const text = '\n[\n' + ROWS.map((r) => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n';
      const records = await collect(jsonArrayRecords(pieces(text, size), 't.json'));
      expect(records.map((r) => r.value)).toEqual(ROWS);
      expect(records.map((r) => r.line)).toEqual([3, 4, 5]);
    },
  );

  it('NDJSON: one object per line, blank lines skipped, the line named in errors', async () => {
    const text = ROWS.map((r) => JSON.stringify(r)).join('\n\n') + '\n';
    const records = await collect(ndjsonRecords(pieces(text, 5), 't.ndjson'));
    expect(records.map((r) => r.value)).toEqual(ROWS);
    expect(records.map((r) => r.line)).toEqual([1, 3, 5]);
    await expect(collect(ndjsonRecords(pieces('{"a":1}\n[1]\n', 3), 't.ndjson'))).rejects.toThrow(
      /t\.ndjson line 2: the line is \[1\], not an object/,
    );
  });

  it('an unclosed array or trailing text is refused with its line', async () => {
    await expect(collect(jsonArrayRecords(pieces('[{"a":1},\n{"a":2}', 4), 'u.json'))).rejects.toThrow(
      /u\.json line 2: the JSON array is not closed/,
    );
    await expect(collect(jsonArrayRecords(pieces('[{"a":1}] x', 4), 'u.json'))).rejects.toThrow(
      /u\.json line 1: unexpected "x"/,
    );
  });

  it.each([
    ['2024-03-05', Date.UTC(2024, 2, 5)],
    ['2024/03/05', Date.UTC(2024, 2, 5)],
    ['2024-03-05T10:00:00Z', Date.UTC(2024, 2, 5, 10)],
    ['2024-03-05 10:00', Date.UTC(2024, 2, 5, 10)],
    ['2024-03-05T10:00:00.250+01:30', Date.UTC(2024, 2, 5, 8, 30, 0, 250)],
    ['2024-03-05T10:00-0500', Date.UTC(2024, 2, 5, 15)],
    ['2024-02-30', NaN],
    ['03/05/2024', NaN],
    ['2024-3-5', NaN],
    ['20240305', NaN],
  ])('parseDate(%s)', (text, ms) => {
    expect(parseDate(text)).toBe(ms);
  });
});
