// The CSV tokenizer's bounds: linear work however long a record is (a long quoted field split over many chunks
// used to be rescanned from its start on every chunk: 16 MB took 19 s, 50 MB did not finish), and a cap on one
// record's length that names the line where the record starts.
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, MAX_RECORD_CHARS } from '../../datasets/csv/tokenizer.ts';
import { importText } from './helpers.ts';

function* chunksOf(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('CSV tokenizer: linear time', () => {
  it.each([
    ['a quoted field', (n: number) => `a,b\n1,"${'x'.repeat(n)}"\n2,3\n`],
    ['an unquoted field', (n: number) => `a,b\n1,${'7'.repeat(n)}\n2,3\n`],
    [
      'doubled quotes and newlines in a field',
      (n: number) => `a,b\n1,"${`${'x'.repeat(61)}""\n`.repeat(n / 64)}"\n2,3\n`,
    ],
  ])('%s of 8 MB in 64 KB chunks: each character is examined once', (_, make) => {
    const text = make(8 << 20);
    const t = new CsvTokenizer(',', 'long.csv');
    const records = [...chunksOf(text, 1 << 16)].flatMap((c) => t.push(c)).concat(t.end());
    expect(records.map((r) => r.line)).toEqual([1, 2, text.split('\n').length - 1]);
    expect(records[1]!.fields[1]!.length).toBeGreaterThanOrEqual(6 << 20);
    // The old tokenizer examined the unfinished record again with every chunk: ~64 times the text here.
    expect(t.scanned).toBe(text.length);
  });

  it('a 15 MB field imports (under the cap), as the class label it is', { timeout: 120_000 }, async () => {
    const big = 'x'.repeat(15 << 20);
    const { data } = await importText(`a,y\n1,"${big}"\n2,small\n`, { target: 'y' }, 1 << 16);
    expect(data.rows).toBe(2);
    expect(data.classLabels!.map((l) => l.length).sort((p, q) => p - q)).toEqual(['small'.length, big.length]);
  });
});

describe('CSV tokenizer: the record cap', () => {
  it(
    'an unclosed quote that swallows the rest of a 20 MB file is refused at its line, with a hint',
    { timeout: 120_000 },
    async () => {
      const text = `a,y\n1,p\n2,q\n3,"oops\n${'4,r\n'.repeat(5 << 20)}`;
      await expect(importText(text, { target: 'y' }, 1 << 16)).rejects.toMatchObject({
        code: 'record_too_long',
        message: `data.csv line 4: a record longer than 16 MB (${MAX_RECORD_CHARS} characters); a missing closing quote?`,
        where: { file: 'data.csv', line: 4 },
        exitCode: 2,
      });
    },
  );

  it('one 17 MB line without a quote is refused too (without the hint)', { timeout: 120_000 }, async () => {
    await expect(importText(`a,y\n${'1'.repeat(17 << 20)},p\n`, { target: 'y' }, 1 << 16)).rejects.toMatchObject({
      code: 'record_too_long',
      message: `data.csv line 2: a record longer than 16 MB (${MAX_RECORD_CHARS} characters)`,
    });
  });

  it.each([1, 3, 7, 64, 1000])('the cap is per record, whatever the chunk size (%i characters)', (size) => {
    const ok = `${'a'.repeat(50)},${'b'.repeat(49)}\n`; // 100 characters with its line break
    const text = ok.repeat(20) + `"${'c'.repeat(99)}",d\n` + ok;
    const t = new CsvTokenizer(',', 'f.csv', 101);
    const run = () => [...chunksOf(text, size)].flatMap((c) => t.push(c)).concat(t.end());
    expect(run).toThrow('f.csv line 21: a record longer than 101 characters');
    const lenient = new CsvTokenizer(',', 'f.csv', 104);
    expect([...chunksOf(text, size)].flatMap((c) => lenient.push(c)).concat(lenient.end())).toHaveLength(22);
  });
});
