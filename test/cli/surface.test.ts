// `mlpw surface` in-process over a real store file (the worker thread is real): it stores a 'loss-surface' artifact
// whose centre gives the run's final validation loss, a second call with the same options reads it back, other
// options compute a second one, --out writes the CSV, and bad flags exit 2 naming the flag.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli, trainRun } from './helpers.ts';

const tmp = tempDir();
const db = tmp.file('w.db');
let id: string;
beforeAll(async () => {
  id = await trainRun(db, '--dataset', 'spiral', '--samples', '300', '--layers', '8,8', '--epochs', '10');
});
afterAll(() => tmp.cleanup());

const artifacts = () => {
  const store = new RunStore(db, { readonly: true });
  try {
    return store.listArtifacts(id).filter((a) => a.kind === 'loss-surface');
  } finally {
    store.close();
  }
};

describe('mlpw surface', () => {
  it('stores the surface as an artifact, and the same options read it back', async () => {
    const first = await cli(['surface', id, '--grid', '7', '--json'], { db });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const s = JSON.parse(first.stdout);
    expect(s).toMatchObject({ reused: false, runId: id, options: { grid: 7, range: 1, seed: 1 } });
    expect(s.plane.train).toHaveLength(49);
    const store = new RunStore(db, { readonly: true });
    const run = store.getRun(id);
    store.close();
    expect(s.origin.val).toBeCloseTo(run.finalValLoss!, 5);
    expect(artifacts()).toHaveLength(1);

    const second = await cli(['surface', id.slice(0, 5), '--grid', '7', '--json'], { db });
    const again = JSON.parse(second.stdout);
    expect(again).toMatchObject({ reused: true, artifactId: s.artifactId, createdAt: s.createdAt });
    expect(artifacts()).toHaveLength(1);

    const text = await cli(['surface', id, '--grid', '7', '--seed', '2'], { db });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/stored as artifact \d+/);
    expect(text.stdout).toMatch(/line initial → final: distance \d/);
    expect(artifacts()).toHaveLength(2);
    // `mlpw show` names the surfaces without printing their grids
    const shown = await cli(['show', id], { db });
    expect(shown.stdout).toMatch(
      /artifact loss-surface: plane=random grid=7 range=1 seed=2 .*\(mlpw surface shows it\)\n/,
    );
    expect(shown.stdout).not.toContain('"plane"');
  });

  it('--out writes every line, plane and trajectory point as CSV', async () => {
    const out = tmp.file('surface.csv');
    const r = await cli(['surface', id, '--grid', '7', '--out', out], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stored artifact \d+, computed/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('section,epoch,a,b,train_loss,val_loss');
    expect(lines.filter((l) => l.startsWith('line,'))).toHaveLength(31);
    expect(lines.filter((l) => l.startsWith('plane,'))).toHaveLength(49);
    expect(lines.some((l) => l.startsWith('trajectory:initial,0,'))).toBe(true);
  });

  it('a bad flag or run exits 2 with one line naming it', async () => {
    const even = await cli(['surface', id, '--grid', '8'], { db });
    expect(even.code).toBe(2);
    expect(even.stderr).toBe(
      'mlpw surface: --grid: must be odd, so the final weights sit on the centre point (got "8")\n',
    );
    const range = await cli(['surface', id, '--range=-1'], { db });
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/^mlpw surface: --range: .*\(got "-1"\)\n$/);
    const unknown = await cli(['surface', 'zzzzzz'], { db });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no run "zzzzzz"/);
  });
});
