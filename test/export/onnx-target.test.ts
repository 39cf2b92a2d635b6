// saveOnnxFile, the one write rule of every export (save dialog, `mlpw export --out`): besides .onnx-only and
// ours-only, a dangling symbolic link is refused (the write used to follow it and create its target), a FIFO or a
// device at the path is refused without being opened (reading it to check "is it ours" blocked), a new file is
// created with O_EXCL, and `absolute` refuses a relative path instead of resolving it against the process's folder.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxModel, OnnxError, readOnnxModel, saveOnnxFile } from '../../export/onnx/node/index.ts';
import { tempDir } from '../db/helpers.ts';
import { trainTiny } from './train-tiny.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let ours: Uint8Array;
beforeAll(async () => {
  const run = await trainTiny({ dataset: { name: 'xor', samples: 64 }, model: { layers: [{ units: 4 }] }, epochs: 2 });
  ours = buildOnnxModel(run.result.final, { ...run.meta, producerVersion: '0.0.0' });
});

async function refused(path: string, options: { absolute?: boolean } = {}): Promise<string> {
  const e = await saveOnnxFile(path, ours, options).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(OnnxError);
  expect((e as OnnxError).code).toBe('bad_path');
  return (e as OnnxError).message;
}

describe('where an export may be written', () => {
  it('refuses a dangling symbolic link and creates nothing where it points', async () => {
    const victim = tmp.file('elsewhere.onnx');
    const link = tmp.file('link.onnx');
    symlinkSync(victim, link);
    expect(await refused(link)).toBe(`${link} is a symbolic link to a file that does not exist; choose another file`);
    expect(existsSync(victim)).toBe(false);
  });

  it('replaces our own model through a link to it, and a new file is written', async () => {
    const model = tmp.file('model.onnx');
    expect(await saveOnnxFile(model, ours)).toBe(model);
    const link = tmp.file('to-model.onnx');
    symlinkSync(model, link);
    await saveOnnxFile(link, ours);
    expect(readOnnxModel(readFileSync(model), model).runId).toBe('test-run');
  });

  it('refuses a FIFO at the path without opening it, and a folder', async () => {
    const fifo = tmp.file('pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    expect(await refused(fifo)).toBe(`${fifo} is not a regular file (a named pipe); choose another file`);
    const folder = tmp.file('folder.onnx');
    execFileSync('mkdir', [folder]);
    expect(await refused(folder)).toMatch(/is not a regular file \(a folder\)/);
  });

  it('with absolute, a relative path is refused and nothing is written in the working folder', async () => {
    expect(await refused('relative-model.onnx', { absolute: true })).toBe(
      'relative-model.onnx is not an absolute path',
    );
    expect(existsSync('relative-model.onnx')).toBe(false);
  });

  it('keeps refusing a file that is not ours', async () => {
    const foreign = tmp.file('foreign.onnx');
    writeFileSync(foreign, 'not a model');
    expect(await refused(foreign)).toMatch(/exists and is not an MLP Workbench model/);
    expect(readFileSync(foreign, 'utf8')).toBe('not a model');
  });
});
