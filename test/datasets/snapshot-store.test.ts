// Dataset snapshots in a real SQLite file: a streamed import round-trips exactly, the hash names the content, a
// name is never reused, a failed import leaves nothing, and a large generated file goes through in many chunks.
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../datasets/csv/file.ts';
import { MemorySink } from '../../datasets/sink.ts';
import type { DatasetStore } from '../../db/datasets.ts';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function csv(name: string, text: string): string {
  const path = tmp.file(name);
  writeFileSync(path, text);
  return path;
}

async function importInto(
  datasets: DatasetStore,
  name: string,
  file: string,
  options: Parameters<typeof importCsvFile>[1],
) {
  const writer = datasets.writer(name);
  try {
    return writer.finish(await importCsvFile(file, options, writer));
  } catch (e) {
    writer.abort();
    throw e;
  }
}

const count = (store: RunStore, table: string) =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('dataset snapshots', () => {
  it('stores, lists and loads an import exactly; the hash depends on the content only', async () => {
    const store = new RunStore(tmp.file('a.db'));
    const { datasets } = store;
    const file = csv('flowers.csv', 'a,b,kind\n1.5,2,x\n3,4,y\n-5,6.25,x\n');
    const rec = await importInto(datasets, 'flowers', file, { target: 'kind', chunkRows: 2 });
    expect(rec).toMatchObject({
      name: 'flowers',
      task: 'classification',
      rows: 3,
      features: 2,
      outputs: 2,
      classLabels: ['x', 'y'],
      targetName: 'kind',
    });
    expect(rec.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(count(store, 'dataset_chunks')).toBe(2);

    rmSync(file); // the snapshot does not need the file any more
    const d = datasets.load({ name: 'flowers' });
    expect(Array.from(d.x)).toEqual([1.5, 2, 3, 4, -5, 6.25]);
    expect(Array.from(d.labels!)).toEqual([0, 1, 0]);
    expect(d).toMatchObject({
      name: 'flowers',
      n: 3,
      features: 2,
      outputs: 2,
      featureNames: ['a', 'b'],
      classLabels: ['x', 'y'],
    });

    const again = await importInto(datasets, 'flowers-2', csv('same.csv', 'a,b,kind\n1.5,2,x\n3,4,y\n-5,6.25,x\n'), {
      target: 'kind',
    });
    expect(again.hash).toBe(rec.hash);
    const other = await importInto(datasets, 'flowers-3', csv('changed.csv', 'a,b,kind\n1.5,2,x\n3,4,y\n-5,6.5,x\n'), {
      target: 'kind',
    });
    expect(other.hash).not.toBe(rec.hash);
    expect(datasets.list().map((r) => r.name)).toEqual(['flowers', 'flowers-2', 'flowers-3']);
    store.close();
  });

  it('a name is never reused (snapshots are immutable); a failed import stores nothing', async () => {
    const store = new RunStore(tmp.file('b.db'));
    const { datasets } = store;
    await importInto(datasets, 'd', csv('d.csv', 'a,y\n1,p\n2,q\n'), { target: 'y' });
    expect(() => datasets.writer('d')).toThrow(/a dataset "d" already exists .*choose another --name/);
    const bad = csv('bad.csv', 'a,y\n' + '1,p\n2,q\n'.repeat(500) + 'oops,p\n');
    await expect(importInto(datasets, 'bad', bad, { target: 'y', chunkRows: 10 })).rejects.toThrow(
      /line 1002, column 1 \("a"\): "oops" is not a number/,
    );
    expect(datasets.list().map((r) => r.name)).toEqual(['d']);
    expect(count(store, 'datasets')).toBe(1);
    expect(count(store, 'dataset_chunks')).toBe(1);
    store.close();
  });

  it('streams a generated file of many chunks with progress, and reads back the same numbers', async () => {
    const rows = 60_000;
    const path = tmp.file('large.csv');
    const out = createWriteStream(path);
    out.write('x1,x2,x3,label\n');
    for (let i = 0; i < rows; i += 1000) {
      let s = '';
      for (let r = i; r < i + 1000; r++) s += `${r},${(r % 97) / 4},${-r / 8},${r % 3 === 0 ? 'a' : 'b'}\n`;
      out.write(s);
    }
    await new Promise((resolve) => out.end(resolve));
    const store = new RunStore(tmp.file('c.db'));
    const { datasets } = store;
    const progress: number[] = [];
    const writer = datasets.writer('large');
    const rec = writer.finish(
      await importCsvFile(
        path,
        { target: 'label', chunkRows: 4096, onProgress: (p) => progress.push(p.bytesRead) },
        writer,
      ),
    );
    expect(rec.rows).toBe(rows);
    expect(count(store, 'dataset_chunks')).toBe(Math.ceil(rows / 4096));
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(progress.reduce((a, b) => Math.max(a, b)));
    const d = datasets.load({ name: 'large' });
    for (const r of [0, 4095, 4096, 59_999]) {
      expect(Array.from(d.x.subarray(r * 3, r * 3 + 3))).toEqual([
        r,
        Math.fround((r % 97) / 4),
        Math.fround(-r / 8) + 0,
      ]); // + 0: the file says "0", not "-0"
      expect(d.classLabels![d.labels![r]!]).toBe(r % 3 === 0 ? 'a' : 'b');
    }
    const memory = new MemorySink();
    const inMemory = await importCsvFile(path, { target: 'label' }, memory);
    expect(Array.from(memory.rows())).toEqual(Array.from(d.x));
    expect(Array.from(inMemory.labels!)).toEqual(Array.from(d.labels!));
    store.close();
  });
});
