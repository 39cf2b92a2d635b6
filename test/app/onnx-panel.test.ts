// @vitest-environment happy-dom
// The run page's ONNX export in the desktop app: the save dialog (the main process's `chooseOnnxFile`; the native
// dialog itself needs the Electron binary, so the test answers it with a path, granted as the main process does)
// then the store host's verified export,
// over a real RunStore holding a run trained by the real CLI. A cancelled dialog writes nothing. In browser mode the
// store host refuses the dialog method by name.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushPromises, mount } from '@vue/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../api/dispatch.ts';
import { ApiError } from '../../api/errors.ts';
import { createStoreApi } from '../../api/store-api.ts';
import type { ApiHandlers, WorkbenchApi } from '../../api/workbench-api.ts';
import { RunStore } from '../../db/index.ts';
import { readOnnxModel } from '../../export/onnx/index.ts';
import { APP_CONTEXT } from '../../renderer/app-context.ts';
import OnnxPanel from '../../renderer/insight/OnnxPanel.vue';
import { createFileGrants } from '../../electron/file-grants.ts';

let dir: string;
let runId: string;
let store: RunStore;

/** The renderer's async view of the handlers, through dispatch() as the IPC transport calls them. */
function asApi(handlers: ApiHandlers): WorkbenchApi {
  return new Proxy({} as WorkbenchApi, {
    get: (_, method: string) => async (input: unknown) => {
      const r = await dispatch(handlers, method, input);
      if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.field);
      return r.value;
    },
  });
}

function mountPanel(dialogAnswer: string | null, checkpoints?: { kind: 'best' | 'final'; epoch: number }[]) {
  const files = createFileGrants();
  const handlers: ApiHandlers = {
    ...createStoreApi(store, { mode: 'electron', appVersion: '0.0.0-test', files }),
    chooseOnnxFile: () => (dialogAnswer === null ? null : files.grant(dialogAnswer, 'save')),
  };
  return mount(OnnxPanel, {
    props: { id: runId, checkpoint: 'final' as const, mode: 'electron' as const, checkpoints },
    global: { provide: { [APP_CONTEXT as symbol]: { api: asApi(handlers), queue: {} } } },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlpw-onnx-panel-'));
  // the real binary in a child process (happy-dom's URL cannot start Node's worker threads in-process)
  const bin = join(import.meta.dirname, '../../bin/mlpw.mjs');
  const args = [
    'train',
    '--db',
    join(dir, 'w.db'),
    '--dataset',
    'moons',
    '--samples',
    '200',
    '--layers',
    '8',
    '--epochs',
    '5',
    '--backend',
    'cpu',
    '--json',
  ];
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  runId = (JSON.parse(r.stdout) as { runId: string }).runId;
  store = new RunStore(join(dir, 'w.db'));
});
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ONNX export from the run page', () => {
  it('desktop: the save dialog’s path gets a verified file, and the page shows the verification', async () => {
    const path = join(dir, 'chosen.onnx');
    const w = mountPanel(path);
    await w.find('[data-test="save-onnx"]').trigger('click');
    await expect
      .poll(async () => (await flushPromises(), w.find('[data-test="onnx-verified"], .field-error').exists()), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(w.find('.field-error').exists() ? w.find('.field-error').text() : '').toBe('');
    expect(w.find('[data-test="onnx-verified"]').text()).toMatch(
      /verified with onnxruntime on 40 validation rows, max \|difference\| \d\.\de-\d+/,
    );
    expect(readOnnxModel(readFileSync(path)).runId).toBe(runId);
    expect(store.listArtifacts(runId).map((a) => a.path)).toContain(path);
  });

  it('desktop: cancelling the dialog writes nothing and shows no error', async () => {
    const before = store.listArtifacts(runId).length;
    const w = mountPanel(null);
    await w.find('[data-test="save-onnx"]').trigger('click');
    await flushPromises();
    await flushPromises();
    expect(w.find('[data-test="onnx-verified"]').exists()).toBe(false);
    expect(w.find('.field-error').exists()).toBe(false);
    expect(store.listArtifacts(runId)).toHaveLength(before);
    expect(existsSync(join(dir, 'null'))).toBe(false);
  });

  it('desktop: one dialog for both checkpoints — choosing best exports the best checkpoint at its epoch', async () => {
    const checkpoints = store.getRunDetail(runId).checkpoints.map((c) => ({ kind: c.kind, epoch: c.epoch }));
    const best = checkpoints.find((c) => c.kind === 'best');
    expect(best).toBeDefined();
    const path = join(dir, 'best.onnx');
    const w = mountPanel(path, checkpoints);
    expect(w.findAll('[data-test="onnx-checkpoint"] input').map((i) => i.attributes('value'))).toEqual(
      checkpoints.map((c) => c.kind),
    );
    await w.find('[data-test="onnx-checkpoint-best"]').setValue(true);
    expect(w.find('[data-test="save-onnx"]').text()).toBe('Export ONNX (best)…');
    await w.find('[data-test="save-onnx"]').trigger('click');
    await expect
      .poll(async () => (await flushPromises(), w.find('[data-test="onnx-verified"], .field-error').exists()), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(w.find('[data-test="onnx-verified"]').text()).toContain(`best checkpoint, epoch ${best!.epoch}`);
    expect(existsSync(path)).toBe(true);
  });

  it('browser mode: the store host refuses the dialog method by name', async () => {
    const r = await dispatch(createStoreApi(store, { mode: 'browser', appVersion: '0.0.0-test' }), 'chooseOnnxFile', {
      defaultName: 'x.onnx',
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({
        code: 'desktop_only',
        message: expect.stringMatching(/only in the desktop app/),
      });
  });
});
