// Regular files only, wherever a path is opened for import (CLI `mlpw import`, the desktop's chosen file): a FIFO, a
// device or a folder is one sentence naming the path, at once. Before, a FIFO's open blocked a libuv pool thread
// until a writer came (the CLI hung; browser mode's file I/O stalled). The CLI runs as a child process with a
// generous timeout, so a hang is a failure and not a stuck test worker.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../datasets/csv/file.ts';
import { importIdxFiles } from '../../datasets/idx.ts';
import { tempDir } from '../db/helpers.ts';
import { idxBytes } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const fifo = tmp.file('data.csv');
execFileSync('mkfifo', [fifo]);

/** A sink that must never be reached: the importer refuses before the first row. */
const sink = {
  start: () => {
    throw new Error('sink reached');
  },
  append: () => {},
};

describe('opening a file to import', () => {
  it('a FIFO is refused by name at once (nothing ever writes to it)', async () => {
    await expect(importCsvFile(fifo, { target: 'y' }, sink)).rejects.toMatchObject({
      code: 'cannot_read',
      message: `cannot read ${fifo}: it is a named pipe (FIFO), not a regular file`,
    });
    const labels = tmp.file('labels.idx1-ubyte');
    writeFileSync(labels, idxBytes([2], [0, 1]));
    await expect(importIdxFiles(fifo, labels, sink)).rejects.toMatchObject({
      code: 'cannot_read',
      message: expect.stringMatching(/named pipe \(FIFO\), not a regular file/),
    });
  });

  it('a device and a folder are refused by name too', async () => {
    await expect(importCsvFile('/dev/zero', { target: 'y' }, sink)).rejects.toMatchObject({
      message: 'cannot read /dev/zero: it is a device, not a regular file',
    });
    const folder = tmp.file('folder.csv');
    mkdirSync(folder);
    await expect(importCsvFile(folder, { target: 'y' }, sink)).rejects.toMatchObject({
      message: `cannot read ${folder}: it is a folder, not a regular file`,
    });
  });

  it('mlpw import FIFO exits 2 with the sentence instead of hanging', () => {
    const bin = join(import.meta.dirname, '../../bin/mlpw.mjs');
    const r = spawnSync(process.execPath, [bin, 'import', fifo, '--target', 'y', '--db', tmp.file('runs.db')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot read ${fifo}: it is a named pipe (FIFO), not a regular file`);
  });
});
