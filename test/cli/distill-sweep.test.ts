// A sweep over a student's config (config.distill) sends the teacher's best checkpoint to each worker as train does:
// every point trains, stays linked to its teacher, and equals `mlpw train` of the same point epoch for epoch.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('mlpw sweep over a distilled student', () => {
  it('trains every point with the teacher, as train does', async () => {
    const db = tmp.file('w.db');
    const t = await cli(
      [
        'train',
        '--dataset',
        'spiral',
        '--samples',
        '240',
        '--layers',
        '16,16',
        '--epochs',
        '4',
        '--backend',
        'cpu',
        '--json',
      ],
      { db },
    );
    expect(t.code, t.stderr).toBe(0);
    const teacher = (JSON.parse(t.stdout) as { runId: string }).runId;
    const config = tmp.file('student.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataset: { name: 'spiral', samples: 240 },
        model: { layers: [{ units: 4, activation: 'tanh' }] },
        epochs: 3,
        backend: 'cpu',
        distill: { teacher, loss: 'soft-ce', temperature: 2, alpha: 0.5 },
      }),
    );
    const s = await cli(['sweep', '--config', config, '--grid', 'optimizer.lr=0.1,0.03', '--json'], { db });
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const runs = (JSON.parse(s.stdout) as { runs: { runId: string; status: string }[] }).runs;
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);

    const alone = await cli(['train', '--config', config, '--lr', '0.03', '--json'], { db });
    expect(alone.code, alone.stderr).toBe(0);
    const aloneId = (JSON.parse(alone.stdout) as { runId: string }).runId;
    const store = new RunStore(db, { readonly: true });
    try {
      const swept = runs.map((r) => store.getRun(r.runId)).find((r) => r.config.optimizer.lr === 0.03)!;
      expect(swept.config.distill).toMatchObject({ teacher, loss: 'soft-ce', temperature: 2, alpha: 0.5 });
      const strip = (id: string) => store.getEpochs(id).map((e) => [e.epoch, e.trainLoss, e.valLoss, e.valAcc]);
      expect(strip(swept.id)).toEqual(strip(aloneId));
    } finally {
      store.close();
    }
  });
});
