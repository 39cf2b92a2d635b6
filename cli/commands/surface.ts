// `mlpw surface RUN`: the run's loss surface (insight/loss-surface.ts): the loss along the line from its initial to
// its final weights, and over a filter-normalised random plane through the final weights with the trajectory
// projected on it. Computed in a worker thread on the run's CPU backend, kept as an artifact of the run; the same
// options later read it back instead of computing again (--force computes anew).
import { writeFileSync } from 'node:fs';
import { lossSurfaceCsv } from '../../insight/loss-surface-csv.ts';
import { SurfaceOptionsSchema, type LossSurface } from '../../insight/loss-surface.ts';
import { runLossSurface } from '../../insight/node/loss-surface-run.ts';
import { excerpt } from '../../engine/excerpt.ts';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmt, fmtDuration, progressBar } from '../format.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const USAGE = `mlpw surface RUN [--grid 41] [--range 1] [--seed S] [--plane random|trajectory] [--force]
                   [--json | --out FILE.csv] [--db FILE]
  the loss along the line from the run's initial to its final weights, and over a plane through the final weights
  (grid × grid points in [-range, range]): random filter-normalised directions, or the principal directions of the
  stored trajectory (initial, best, final); stored with the run and reused`;

const FLAG_OF: Record<string, string> = { grid: '--grid', range: '--range', seed: '--seed', plane: '--plane' };

function minMax(values: (number | null)[] | null): [number, number] | null {
  const finite = (values ?? []).filter((v): v is number => v !== null);
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : null;
}

function summary(s: LossSurface, reused: boolean, artifactId: number): string {
  const o = s.options;
  const at = (alpha: number) => s.line.alpha.indexOf(alpha);
  const line = s.line.val ?? s.line.train;
  const barrier = minMax(line.slice(at(0), at(1) + 1));
  const plane = minMax(s.plane.val ?? s.plane.train);
  const split = s.line.val ? 'val' : 'train';
  const far = s.plane.trajectory.find((p) => p.label === 'initial');
  return [
    `loss surface of run ${s.runId} (${s.kernels}, ${s.rows.train} train / ${s.rows.val} validation rows, ` +
      `${s.evaluations} points in ${fmtDuration(s.durationMs)})` +
      (reused
        ? `: stored artifact ${artifactId}, computed ${new Date(s.createdAt).toISOString()}`
        : `: stored as artifact ${artifactId}`),
    `  final weights (epoch ${s.line.finalEpoch}): train loss ${fmt(s.origin.train)}, val loss ${fmt(s.origin.val)}`,
    `  line initial → final: distance ${fmt(s.line.distance)}; ${split} loss ${fmt(line[at(0)])} at α=0, ` +
      `${fmt(line[at(1)])} at α=1, highest between ${fmt(barrier?.[1])}; α from ${o.lineFrom} to ${o.lineTo}`,
    `  plane ${o.grid}×${o.grid} over [-${o.range}, ${o.range}]² (` +
      (o.plane === 'trajectory'
        ? 'principal directions of the trajectory, scaled to its longest offset'
        : `seed ${o.seed}, filter-normalised, biases 0, cos(δ,η) ${fmt(s.plane.cosine, 3)}`) +
      `): ${split} loss from ${fmt(plane?.[0])} to ${fmt(plane?.[1])}`,
    `  trajectory (${s.plane.trajectory.map((p) => `${p.label} ${p.epoch}`).join(', ')}, from the stored checkpoints)` +
      (far ? `: the plane holds ${(far.captured * 100).toFixed(1)} % of the initial weights' offset` : ''),
  ].join('\n');
}

export const surface: Command = {
  name: 'surface',
  summary: "a run's loss surface: the line from initial to final weights, and a random plane",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      grid: { type: 'string' },
      range: { type: 'string' },
      seed: { type: 'string' },
      plane: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected one run id, got ${positionals.length} (usage: ${USAGE.split('\n')[0]})`);
    if (values.json && values.out) throw new UsageError('--json and --out: choose one');
    const parsed = SurfaceOptionsSchema.safeParse({
      grid: intFlag('grid', values.grid),
      range: numberFlag('range', values.range),
      seed: intFlag('seed', values.seed),
      plane: values.plane,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = String(issue.path[0]);
      throw new UsageError(`${FLAG_OF[key] ?? key}: ${issue.message} (got ${excerpt(values[key as 'grid'])})`);
    }
    return withStore(values.db, ctx.env, async (store) => {
      const bar = ctx.stderr.isTTY === true;
      let stop!: () => void;
      const cancelled = new Promise<void>((resolve) => (stop = resolve));
      const onSigint = () => stop();
      process.on('SIGINT', onSigint);
      try {
        const {
          surface: s,
          artifact,
          reused,
        } = await runLossSurface(store, positionals[0]!, parsed.data, {
          force: values.force,
          cancelled,
          onProgress: bar
            ? (done, total) => ctx.stderr.write(`\r${progressBar(done / total)} ${done}/${total} points`)
            : undefined,
        });
        if (bar) ctx.stderr.write('\r\x1b[K');
        if (values.json) ctx.stdout.write(JSON.stringify({ artifactId: artifact.id, reused, ...s }) + '\n');
        else if (values.out) {
          try {
            writeFileSync(values.out, lossSurfaceCsv(s));
          } catch (e) {
            throw new UsageError(
              `--out: cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
            );
          }
          ctx.stdout.write(summary(s, reused, artifact.id) + `\n  wrote ${values.out}\n`);
        } else ctx.stdout.write(summary(s, reused, artifact.id) + '\n');
        return 0;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  },
};
