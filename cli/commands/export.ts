// `mlpw export RUN --out FILE.onnx`: the run's checkpoint as an ONNX file, verified with onnxruntime against the
// engine on the run's validation rows, then written and recorded as an artifact of the run (export/'s exportRun, as
// the app exports). Only .onnx paths, and an existing file only if it is one of our models. A mismatch writes nothing
// and exits 1.
import type { CheckpointKind } from '../../engine/types.ts';
import { exportRun, OnnxError } from '../../export/onnx/node/index.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const USAGE = `mlpw export RUN --out FILE.onnx [--checkpoint final|best] [--db FILE] [--json]
  writes the run's model as ONNX, verified with onnxruntime on its validation rows, and records it with the run`;

export function checkpointFlag(value: string | undefined): CheckpointKind {
  if (value === undefined) return 'final';
  if (value !== 'final' && value !== 'best')
    throw new UsageError(`--checkpoint: expected final or best, got "${value}"`);
  return value;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a run as a verified ONNX file',
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, {
      ...DB_FLAG,
      out: { type: 'string' },
      checkpoint: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected one run id, got ${positionals.length} (usage: ${USAGE.split('\n')[0]})`);
    if (!values.out) throw new UsageError('--out FILE.onnx is required');
    const kind = checkpointFlag(values.checkpoint);
    return withStore(values.db, ctx.env, async (store) => {
      const done = await exportRun(store, positionals[0]!, kind, { path: values.out! }).catch((e: unknown) => {
        if (e instanceof OnnxError && (e.code === 'bad_path' || e.code === 'write_failed'))
          throw new UsageError(`--out: ${e.message}`, e.code);
        // A table column named like a value inside the graph: the user's data to rename, not a fault of ours.
        if (e instanceof OnnxError && e.code === 'unsupported' && e.details?.column !== undefined)
          throw new UsageError(e.message, e.code);
        throw e;
      });
      const { run, epoch, verification, details } = done;
      if (values.json) ctx.stdout.write(JSON.stringify({ runId: run.id, path: done.path, ...details }) + '\n');
      else
        ctx.stdout.write(
          `exported run ${run.id} (${kind} checkpoint, epoch ${epoch}) → ${done.path} (${details.bytes} bytes)\n` +
            `verified with onnxruntime-web ${verification.ortVersion} on ${verification.samples} validation rows` +
            (verification.probeRows
              ? ` and ${verification.probeRows} rows of missing values and unseen categories, as raw columns`
              : '') +
            `: ` +
            `max |difference| ${verification.maxAbsDiff.toExponential(2)} (tolerance ${verification.tolerance})\n`,
        );
      return 0;
    });
  },
};
