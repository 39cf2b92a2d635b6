// `mlpw export RUN --out FILE.onnx`: the run's checkpoint as an ONNX file, verified with onnxruntime against the
// engine on the run's validation rows (rebuilt from its config: a built-in generator or its imported snapshot),
// then written and recorded as an artifact of the run. A mismatch writes nothing and exits 1.
import { resolve } from 'node:path';
import { DatasetStore } from '../../db/datasets.ts';
import type { RunRecord, RunStore } from '../../db/index.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import type { Dataset } from '../../engine/types.ts';
import { exportVerified, OnnxError, validationRows, writeOnnxFile } from '../../export/onnx/node/index.ts';
import { parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const USAGE = `mlpw export RUN --out FILE.onnx [--checkpoint final|best] [--db FILE] [--json]
  writes the run's model as ONNX, verified with onnxruntime on its validation rows, and records it with the run`;

export function checkpointFlag(value: string | undefined): 'final' | 'best' {
  if (value === undefined) return 'final';
  if (value !== 'final' && value !== 'best') throw new UsageError(`--checkpoint: expected final or best, got "${value}"`);
  return value;
}

/** The data the run trained on: its imported snapshot (by the hash it recorded) or the built-in generator. */
function runDataset(store: RunStore, run: RunRecord): Dataset {
  const hash = new DatasetStore(store.db, store.path).runDatasetHash(run.id);
  if (hash === null) return loadBuiltinDataset(run.config.dataset);
  return new DatasetStore(store.db, store.path).load({ hash });
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a run as a verified ONNX file',
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, { ...DB_FLAG, out: { type: 'string' }, checkpoint: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(`expected one run id, got ${positionals.length} (usage: ${USAGE.split('\n')[0]})`);
    if (!values.out) throw new UsageError('--out FILE.onnx is required');
    const kind = checkpointFlag(values.checkpoint);
    return withStore(values.db, ctx.env, async (store) => {
      const run = store.getRun(positionals[0]!);
      const checkpoint = store.getCheckpoint(run.id, kind);
      if (!checkpoint)
        throw new UsageError(`run ${run.id} has no ${kind} checkpoint (status ${run.status}, ${run.epochsDone} epochs)${kind === 'best' ? '; it had no validation split, try --checkpoint final' : ''}`);
      const epochs = store.getEpochs(run.id);
      const metrics = { final: epochs.at(-1) ?? null, best: epochs.find((e) => e.epoch === run.bestEpoch) ?? null };
      const rows = validationRows(run.config, runDataset(store, run));
      const out = resolve(values.out!);
      const { bytes, verification } = await exportVerified(checkpoint.snapshot, { runId: run.id, config: run.config, dataset: run.dataset, checkpoint: kind, metrics }, rows);
      try {
        await writeOnnxFile(out, bytes);
      } catch (e) {
        if (e instanceof OnnxError && e.code === 'write_failed') throw new UsageError(`--out: ${e.message}`, e.code);
        throw e;
      }
      const details = { ...verification, checkpoint: kind, epoch: checkpoint.epoch, bytes: bytes.length };
      store.addArtifact(run.id, { kind: 'onnx', path: out, details });
      if (values.json) ctx.stdout.write(JSON.stringify({ runId: run.id, path: out, ...details }) + '\n');
      else
        ctx.stdout.write(
          `exported run ${run.id} (${kind} checkpoint, epoch ${checkpoint.epoch}) → ${out} (${bytes.length} bytes)\n` +
            `verified with onnxruntime-web ${verification.ortVersion} on ${verification.samples} validation rows: ` +
            `max |difference| ${verification.maxAbsDiff.toExponential(2)} (tolerance ${verification.tolerance})\n`,
        );
      return 0;
    });
  },
};
