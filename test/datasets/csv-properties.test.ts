// Property tests of the CSV reader: random bytes and random mutations of a valid file either import or fail with
// ImportError (never another exception, a hang or a runaway allocation), and the records do not depend on where
// the chunks are cut. Small inputs and bounded runs, so the suite stays fast on two cores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../datasets/errors.ts';
import { CsvTokenizer } from '../../datasets/csv/tokenizer.ts';
import { importText } from './helpers.ts';

const VALID = 'width,"height, cm",label\r\n1.5,2,"big ""one"""\r\n3,"4",small\r\n\r\n5,6,"two\nlines"\r\n7,8,small\n';
const PIECES = [
  ',',
  ';',
  '\t',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  ' ',
  'NA',
  '1',
  '-2.5e3',
  'x',
  '\0',
  '\uFEFF',
  'é',
  '\uD800',
];

/** A valid file with a few characters inserted, deleted or replaced. */
const mutated = fc
  .array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.constantFrom(...PIECES, '') }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((edits) =>
    edits.reduce(
      (s, e) => s.slice(0, e.at % (s.length + 1)) + e.insert + s.slice((e.at % (s.length + 1)) + e.cut),
      VALID,
    ),
  );

const options = fc.record({
  target: fc.constantFrom('label', '3', 'height, cm', 'nope'),
  task: fc.constantFrom(undefined, 'classification' as const, 'regression' as const),
  dropMissing: fc.boolean(),
  header: fc.constantFrom(undefined, true, false),
});

async function importsOrRefuses(input: string | Uint8Array, opts: Parameters<typeof importText>[1], chunk: number) {
  try {
    const { data } = await importText(input, opts, chunk);
    expect(data.rows).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    expect(e.message.length).toBeLessThan(400);
  }
}

describe('CSV import: properties', () => {
  it('random bytes import or fail with ImportError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        options,
        fc.integer({ min: 1, max: 64 }),
        (bytes, opts, chunk) => importsOrRefuses(bytes, opts, chunk),
      ),
      { numRuns: 200 },
    );
  });

  it('mutations of a valid file import or fail with ImportError', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, options, fc.integer({ min: 1, max: 64 }), (text, opts, chunk) =>
        importsOrRefuses(text, opts, chunk),
      ),
      { numRuns: 300 },
    );
  });

  it('the tokenizer gives the same records (or the same error) wherever the chunks are cut', () => {
    const tokens = (text: string, cuts: number[]) => {
      const t = new CsvTokenizer(',', 'f.csv', 64);
      try {
        const bounds = [0, ...cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b), text.length];
        return bounds
          .slice(1)
          .flatMap((end, i) => t.push(text.slice(bounds[i], end)))
          .concat(t.end());
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        return e.message;
      }
    };
    const text = fc.oneof(
      mutated,
      fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 5 }), (s, cuts) => {
        expect(tokens(s, cuts)).toEqual(tokens(s, []));
      }),
      { numRuns: 300 },
    );
  });
});
