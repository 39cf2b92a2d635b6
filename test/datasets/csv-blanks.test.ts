// Blank-separated tables (UCI's .data files): the delimiter is detected as runs of blanks only where no comma or
// semicolon splits the lines alike and tabs split them into far fewer fields; the tokenizer honours quotes, skips
// blank lines and gives the same records however the text is cut into chunks. (Whole .data files through mlpw
// import: test/cli/import-public-tables.test.ts.)
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../datasets/csv/sniff.ts';
import { WhitespaceTokenizer } from '../../datasets/csv/whitespace-tokenizer.ts';

const AUTO_MPG =
  '18.0   8   307.0      130.0      3504.      12.0   70  1\t"chevrolet chevelle malibu"\n' +
  '25.0   4   98.00      ?          2046.      19.0   71  1\t"ford pinto"\n' +
  '14.0   8   340.0      160.0      3609.       8.0   70  1\t"plymouth \'cuda 340"\n';

describe('blank-separated tables', () => {
  it.each([
    ['housing.data: leading blanks, runs of blanks', ' 0.00632  18.00   2.310  0\n 0.02731   0.00   7.070  0\n', ' '],
    ['auto-mpg.data: one tab a line before a quoted name', AUTO_MPG, ' '],
    ['a TSV with a date-time column stays a TSV', 'when\tx\ty\n2024-01-01 10:00\t1\tp\n2024-01-02 11:00\t2\tq\n', '\t'],
    ['a CSV with spaces in its values stays a CSV', 'city,x,y\nNew York,1,p\nSan Jose,2,q\n', ','],
    ['one column of numbers stays one column', 'x\n1\n2\n', ','],
  ])('detects the delimiter: %s', (_, text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it('splits at blanks, keeps quoted blanks and "" quotes, skips blank lines, whatever the chunks', () => {
    const text = ' 1  2\t"a b"\r\n\r\n   \n3 4 "say ""hi"""x\r\n5 6 last';
    const whole = new WhitespaceTokenizer('t.data');
    const expected = [...whole.push(text), ...whole.end()];
    expect(expected).toEqual([
      { fields: ['1', '2', 'a b'], line: 1 },
      { fields: ['3', '4', 'say "hi"x'], line: 4 },
      { fields: ['5', '6', 'last'], line: 5 },
    ]);
    for (const size of [1, 2, 3, 5, 7]) {
      const t = new WhitespaceTokenizer('t.data');
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...t.push(text.slice(i, i + size)));
      got.push(...t.end());
      expect(got).toEqual(expected);
    }
  });

  it('refuses a quote that is not closed, naming the line, and a record past the cap', () => {
    const t = new WhitespaceTokenizer('q.data');
    expect(() => t.push('1 2 "a\n')).toThrow(/q\.data line 1: a quoted field is not closed/);
    const small = new WhitespaceTokenizer('long.data', 10);
    expect(() => small.push('1 2 3 4 5 6 7')).toThrow(/long\.data line 1: a record longer than 10 characters/);
  });
});
