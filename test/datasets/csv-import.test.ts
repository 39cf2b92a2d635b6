// The CSV importer on hand-written files: dialects (delimiter, header, quotes, BOM, CRLF), targets (string and
// integer labels, numbers), missing values, and the same result whatever the chunk size.
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../datasets/csv/sniff.ts';
import { importText } from './helpers.ts';

describe('CSV import: dialects', () => {
  it.each([
    ['comma', 'a,b,y\n1,2,p\n3,4,q\n', ','],
    ['semicolon', 'a;b;y\n1;2;p\n3;4;q\n', ';'],
    ['tab', 'a\tb\ty\n1\t2\tp\n3\t4\tq\n', '\t'],
    ['comma inside quotes does not count', '"x,1";"x,2";y\n1;2;p\n3;4;q\n', ';'],
  ])('detects the delimiter: %s', (_, text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it('reads a header, a UTF-8 BOM, CRLF, quoted fields with delimiters, quotes and newlines', async () => {
    const text = '\uFEFFwidth,"height, cm",label\r\n1.5,2,"big ""one"""\r\n3,"4",small\r\n\r\n5,6,"two\nlines"\r\n';
    const { data, x } = await importText(text, { target: 'label' });
    expect(data.featureNames).toEqual(['width', 'height, cm']);
    expect(data.targetName).toBe('label');
    expect(data.classLabels).toEqual(['big "one"', 'small', 'two\nlines']);
    expect(Array.from(data.labels!)).toEqual([0, 1, 2]);
    expect(x).toEqual([1.5, 2, 3, 4, 5, 6]);
    expect(data.source).toMatchObject({ delimiter: ',', header: true, droppedRows: 0 });
  });

  it('without a header names columns column1… and takes --target by position', async () => {
    const { data, x } = await importText('1,2,0\n3,4,1\n5,6,1\n', { target: '3' });
    expect(data.source.header).toBe(false);
    expect(data.featureNames).toEqual(['column1', 'column2']);
    expect(x).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a semicolon file may use decimal commas', async () => {
    const { x } = await importText('a;b;y\n1,5;-2,25;p\n3;4;q\n', { target: 'y' });
    expect(x).toEqual([1.5, -2.25, 3, 4]);
  });

  it('gives the same rows and labels whatever the chunk size (records split anywhere)', async () => {
    const lines = ['f1,"f,2",y'];
    for (let i = 0; i < 200; i++) lines.push(`${i / 8},"${-i}",${['cat', 'dog', '"emu"'][i % 3]}`);
    const text = '\uFEFF' + lines.join('\r\n') + '\r\n';
    const whole = await importText(text, { target: 'y' });
    for (const size of [1, 2, 3, 7, 64]) {
      const split = await importText(text, { target: 'y' }, size);
      expect(split.x).toEqual(whole.x);
      expect(Array.from(split.data.labels!)).toEqual(Array.from(whole.data.labels!));
    }
    expect(whole.data.rows).toBe(200);
    expect(whole.data.classLabels).toEqual(['cat', 'dog', 'emu']);
  });
});

describe('CSV import: targets', () => {
  it('integer labels are classes in numeric order', async () => {
    const { data } = await importText('a,y\n1,10\n2,2\n3,10\n4,1\n', { target: 'y' });
    expect(data.task).toBe('classification');
    expect(data.classLabels).toEqual(['1', '2', '10']);
    expect(Array.from(data.labels!)).toEqual([2, 1, 2, 0]);
  });

  it('fractional targets are a regression; --task regression forces it', async () => {
    const auto = await importText('a,y\n1,0.5\n2,1.25\n3,-2\n', { target: 'y' });
    expect(auto.data.task).toBe('regression');
    expect(Array.from(auto.data.targets!)).toEqual([0.5, 1.25, -2]);
    const forced = await importText('a,y\n1,1\n2,2\n3,1\n', { target: 'y', task: 'regression' });
    expect(forced.data.task).toBe('regression');
    expect(forced.data.outputs).toBe(1);
  });

  it('--drop-missing drops rows with empty or NA fields and counts them', async () => {
    const { data, x } = await importText('a,b,y\n1,2,p\n,4,q\n5,NA,p\n7,8,\n9,10,q\n', {
      target: 'y',
      dropMissing: true,
    });
    expect(data.rows).toBe(2);
    expect(x).toEqual([1, 2, 9, 10]);
    expect(data.source.droppedRows).toBe(3);
  });
});

describe('CSV import: bad input names the file, line, column and value', () => {
  const cases: [string, string, Record<string, unknown>, RegExp, string][] = [
    ['empty file', '', {}, /data\.csv is empty/, 'empty'],
    ['blank lines only', '\n\r\n\n', {}, /data\.csv is empty/, 'empty'],
    ['header only', 'a,b,y\n', {}, /data\.csv has a header but no data rows/, 'no_rows'],
    [
      'ragged row',
      'a,b,y\n1,2,p\n3,q\n5,6,p\n',
      {},
      /data\.csv line 3: expected 3 fields \(as in the header\), found 2/,
      'ragged',
    ],
    [
      'non-numeric feature',
      'a,b,y\n1,2,p\n3,four,q\n',
      {},
      /data\.csv line 3, column 2 \("b"\): "four" is not a number/,
      'not_a_number',
    ],
    ['one class only', 'a,y\n1,p\n2,p\n', {}, /target column "y" has one class only \("p"\)/, 'one_class'],
    [
      'unknown target',
      'a,b,y\n1,2,p\n',
      { target: 'label' },
      /--target: no column "label" in data\.csv \(columns: a, b, y\)/,
      'unknown_column',
    ],
    [
      'missing values',
      'a,b,y\n1,2,p\n,4,q\n5,NA,p\n7,8,q\n',
      {},
      /missing values .* on lines 3, 4; fix them or pass --drop-missing/,
      'missing_values',
    ],
    [
      'unclosed quote',
      'a,b,y\n1,2,"p\n3,4,q\n',
      {},
      /data\.csv line 2: a quoted field is not closed/,
      'unclosed_quote',
    ],
    [
      'non-numeric regression target',
      'a,y\n1,2\n2,x\n',
      { task: 'regression' },
      /line 3, column "y": "x" is not a number/,
      'not_a_number',
    ],
  ];
  it.each(cases)('%s', async (_, text, options, message, code) => {
    await expect(importText(text, { target: 'y', ...options })).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
      exitCode: 2,
    });
  });

  it('binary junk (invalid UTF-8 or NUL bytes)', async () => {
    const junk = Uint8Array.from({ length: 600 }, (_, i) => (i * 131 + 7) % 256);
    await expect(importText(junk, { target: 'y' })).rejects.toMatchObject({
      code: 'binary',
      message: expect.stringMatching(/data\.csv is not a text CSV file: binary data near byte \d+/),
    });
    await expect(importText('a,b,y\n1,2\0,p\n', { target: 'y' })).rejects.toMatchObject({ code: 'binary' });
  });
});
