// Property tests of the IDX reader: mutated headers and bodies, gzipped or not, either read (exactly the data the
// header announces) or fail with ImportError; never another exception, and never more memory than the data read
// (a header that announces 2 GiB over a few bytes must not allocate it).
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../datasets/errors.ts';
import { readIdx } from '../../datasets/idx.ts';
import { idxBytes } from './helpers.ts';

const valid = idxBytes([3, 3, 2], [0, 255, 51, 102, 0, 0, 255, 255, 255, 0, 0, 0, 1, 2, 3, 4, 5, 6]);

/** The valid file with some bytes overwritten (header bytes more often), some cut off or appended. */
const mutatedBytes = fc
  .record({
    writes: fc.array(
      fc.record({
        at: fc.oneof(fc.nat({ max: 15 }), fc.nat({ max: valid.length + 4 })),
        byte: fc.oneof(fc.constantFrom(0, 1, 3, 8, 0xff), fc.nat({ max: 255 })),
      }),
      { maxLength: 6 },
    ),
    cut: fc.nat({ max: valid.length + 8 }),
    tail: fc.uint8Array({ maxLength: 8 }),
  })
  .map(({ writes, cut, tail }) => {
    const b = Uint8Array.from([...valid, ...tail]);
    for (const w of writes) if (w.at < b.length) b[w.at] = w.byte;
    return b.subarray(0, Math.min(cut + 10, b.length));
  });

/** A header with random dimensions (huge ones included) over a little data. */
const randomHeader = fc
  .record({
    dims: fc.array(fc.oneof(fc.nat({ max: 8 }), fc.constantFrom(2 ** 32 - 1, 2 ** 16, 60000, 784)), {
      minLength: 0,
      maxLength: 4,
    }),
    data: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ dims, data }) => idxBytes(dims, [...data]));

async function readsOrRefuses(file: Uint8Array, gzip: boolean, chunk: number, dims: number) {
  const bytes = gzip ? gzipSync(file) : file;
  const chunks = (async function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  })();
  try {
    const idx = await readIdx(chunks, 'f.idx', dims);
    expect(idx.dims).toHaveLength(dims);
    expect(idx.data.length).toBe(idx.dims.reduce((a, b) => a * b, 1));
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    expect(e.code).toBe('bad_idx');
  }
}

describe('IDX reader: properties', () => {
  it('mutated files, gzipped or not, read or fail with ImportError', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedBytes,
        fc.boolean(),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(1, 3),
        (file, gzip, chunk, dims) => readsOrRefuses(file, gzip, chunk, dims),
      ),
      { numRuns: 300 },
    );
  });

  it('random headers (huge dimensions included) read or fail without allocating what they announce', async () => {
    const before = process.memoryUsage().arrayBuffers;
    await fc.assert(
      fc.asyncProperty(randomHeader, fc.boolean(), fc.integer({ min: 1, max: 64 }), (file, gzip, chunk) =>
        readsOrRefuses(file, gzip, chunk, file[3] === 1 ? 1 : 3),
      ),
      { numRuns: 200 },
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 << 20);
  });

  it('damaged gzip streams fail with ImportError', async () => {
    const gz = gzipSync(valid);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: gz.length - 1 }),
        fc.nat({ max: 255 }),
        fc.nat({ max: gz.length }),
        async (at, byte, cut) => {
          const b = Uint8Array.from(gz);
          if (at >= 2) b[at] = byte;
          const chunks = (async function* () {
            yield b.subarray(0, Math.max(2, cut));
          })();
          await readIdx(chunks, 'f.gz', 3).catch((e) => {
            if (!(e instanceof ImportError)) throw e;
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
