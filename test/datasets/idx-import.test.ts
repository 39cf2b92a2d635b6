// IDX import on files generated here (the MNIST layout, a few tiny 3 × 2 "images"), gzipped or not, and the
// ways such files go wrong: a wrong magic number, truncated data, counts that disagree.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importIdxFiles, readIdx } from '../../datasets/idx.ts';
import { MemorySink } from '../../datasets/sink.ts';
import { tempDir } from '../db/helpers.ts';
import { idxBytes } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const pixels = [0, 255, 51, 102, 0, 0, /* image 2 */ 255, 255, 255, 0, 0, 0, /* image 3 */ 1, 2, 3, 4, 5, 6];
const images = idxBytes([3, 3, 2], pixels);
const labels = idxBytes([3], [7, 2, 7]);

function write(name: string, bytes: Uint8Array): string {
  const path = tmp.file(name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX import', () => {
  it.each([
    ['plain', false],
    ['gzipped', true],
  ])('%s: pixels scaled to [0, 1], labels as classes in numeric order', async (_, gz) => {
    const sink = new MemorySink();
    const data = await importIdxFiles(
      write(`img-${gz}.idx3-ubyte`, gz ? gzipSync(images) : images),
      write(`lbl-${gz}.idx1-ubyte`, gz ? gzipSync(labels) : labels),
      sink,
    );
    expect(data).toMatchObject({
      task: 'classification',
      rows: 3,
      features: 6,
      outputs: 2,
      classLabels: ['2', '7'],
      targetName: 'label',
    });
    expect(Array.from(data.labels!)).toEqual([1, 0, 1]);
    expect(Array.from(sink.rows())).toEqual(pixels.map((p) => Math.fround(p / 255)));
    expect(data.featureNames.slice(0, 3)).toEqual(['px_0_0', 'px_0_1', 'px_1_0']);
  });

  const good = () => write('good-images.idx3-ubyte', images);
  const goodLabels = () => write('good-labels.idx1-ubyte', labels);
  it.each([
    [
      'a wrong magic number',
      () => write('bad-magic', Uint8Array.from([0x50, 0x4b, 3, 4, ...images.subarray(4)])),
      goodLabels,
      /bad-magic: not an IDX file \(magic number 0x504b0304; expected 0x00000803\)/,
    ],
    ['labels given as images', goodLabels, goodLabels, /magic number 0x00000801 says 1 dimensions; expected 3/],
    [
      'truncated image data',
      () => write('short-images', images.subarray(0, images.length - 5)),
      goodLabels,
      /short-images: truncated: its header says 3 × 3 × 2 = 18 bytes of data, the file has 13/,
    ],
    [
      'trailing bytes',
      () => write('long-images', Uint8Array.from([...images, 9, 9])),
      goodLabels,
      /long-images: 2 bytes after the 3 × 3 × 2 values/,
    ],
    ['a header cut short', () => write('tiny', images.subarray(0, 9)), goodLabels, /tiny: truncated in its header/],
    [
      'counts that disagree',
      good,
      () => write('two-labels', idxBytes([2], [1, 2])),
      /two-labels has 2 labels but .* has 3 images/,
    ],
    [
      'a broken gzip file',
      () => write('broken.gz', gzipSync(images).subarray(0, 20)),
      goodLabels,
      /broken\.gz: a gzip file that does not decompress/,
    ],
  ])('%s is refused with the file named', async (_, imagesFile, labelsFile, message) => {
    await expect(importIdxFiles(imagesFile(), labelsFile(), new MemorySink())).rejects.toMatchObject({
      code: expect.stringMatching(/bad_idx/),
      message: expect.stringMatching(message),
      exitCode: 2,
    });
  });

  it('a missing file names the file and the reason', async () => {
    await expect(
      importIdxFiles(tmp.file('nope.idx3-ubyte'), tmp.file('nope.idx1-ubyte'), new MemorySink()),
    ).rejects.toMatchObject({
      code: 'cannot_read',
      message: expect.stringMatching(/cannot read .*nope\.idx3-ubyte: no such file \(ENOENT\)/),
    });
  });

  it.each([
    [
      'more images than 2 GiB',
      [3000, 1000, 1000],
      /huge: its header says 3000 × 1000 × 1000 = 3000000000 bytes of data; at most 2147483648 \(2 GiB\)/,
    ],
    [
      'images larger than 1024 × 1024 pixels',
      [1, 2000, 2000],
      /huge: its header says images of 2000 × 2000 pixels; at most 1048576/,
    ],
  ])('a header announcing %s is refused before any data is read', async (_, dims, message) => {
    await expect(
      importIdxFiles(write('huge', idxBytes(dims, [])), goodLabels(), new MemorySink()),
    ).rejects.toMatchObject({ code: 'bad_idx', message: expect.stringMatching(message) });
  });
});

describe('IDX import: a gzip bomb', () => {
  it('a header announcing 2 GiB over a few bytes is truncated, without allocating the 2 GiB', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const chunks = (async function* () {
      yield idxBytes([2048, 1024, 1024], [1, 2, 3]);
    })();
    await expect(readIdx(chunks, 'liar.idx3-ubyte', 3)).rejects.toMatchObject({
      message: expect.stringMatching(/liar\.idx3-ubyte: truncated: .* the file has 3$/),
    });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  // 1 GiB of zeros behind a header that announces 10 × 28 × 28: 64 gzip members of 16 MiB each (gunzip reads
  // concatenated members as one stream), ~1 MB compressed.
  const zeros = new Uint8Array(16 << 20);
  const first = gzipSync(Buffer.concat([idxBytes([10, 28, 28], []), zeros]));
  const member = gzipSync(zeros);
  const bomb = Buffer.concat([first, ...Array.from({ length: 63 }, () => member)]);

  it('stops decompressing as soon as the data outgrows the header, having read a small part of the file', async () => {
    let consumed = 0;
    const chunks = (async function* () {
      for (let i = 0; i < bomb.length; i += 16384) {
        const chunk = bomb.subarray(i, i + 16384);
        consumed += chunk.length;
        yield chunk;
      }
    })();
    await expect(readIdx(chunks, 'bomb.idx3-ubyte.gz', 3)).rejects.toMatchObject({
      code: 'bad_idx',
      message:
        'bomb.idx3-ubyte.gz: decompresses to more than the 10 × 28 × 28 values its header announces (a damaged file or a gzip bomb); stopped there',
    });
    expect(bomb.length).toBeGreaterThan(900_000);
    // The first member alone decompresses to 16 MiB: the error comes within it (and the stream's read-ahead).
    expect(consumed).toBeLessThan(bomb.length / 8);
  });

  it('through the file importer: refused with the file named', async () => {
    await expect(
      importIdxFiles(write('bomb.gz', bomb), write('bomb-labels', labels), new MemorySink()),
    ).rejects.toMatchObject({
      code: 'bad_idx',
      message: expect.stringMatching(/bomb\.gz: decompresses to more than the 10 × 28 × 28 values/),
      exitCode: 2,
    });
  });
});
