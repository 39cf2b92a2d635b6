// What travels through Redis: a queued point (BullMQ job data) and an agent's events for it (entries of the sweep's
// stream). Both sides parse with these schemas: Redis is a boundary, whatever wrote the bytes.
import { z } from 'zod';
import type { SnapshotModel } from '../db/snapshot-codec.ts';
import {
  BackendInfoSchema,
  CheckpointKindSchema,
  DataInfoSchema,
  EpochMetricsSchema,
  RunSummarySchema,
} from '../engine/schemas.ts';

/** One sweep point as a job; its job id is the run id, so queueing it again (a restarted coordinator) is a no-op. */
export const QueueJobSchema = z.strictObject({
  sweepId: z.string().min(1).max(100),
  runId: z.string().min(1).max(100),
  label: z.string().max(10_000),
  /** the run's ExperimentConfig as the coordinator stored it; the agent validates it itself */
  config: z.unknown(),
  /** an imported dataset's content hash (its snapshot is at keys.dataset(hash)); absent for a built-in */
  datasetHash: z.string().min(1).max(200).optional(),
  /** ASHA/Hyperband: the epochs after which the agent waits for the coordinator's decision key (keys.rung) */
  rungs: z.array(z.number().int().min(1)).max(64).optional(),
});
export type QueueJob = z.infer<typeof QueueJobSchema>;

/** decodeSnapshot checks the layer shapes against the BLOB's length; here only that it is a model at all. */
const SnapshotModelSchema = z.custom<SnapshotModel>(
  (v) => typeof v === 'object' && v !== null && Array.isArray((v as { layers?: unknown }).layers),
  'not a model description',
);

/** An agent's report on a run, in order: started, epoch and checkpoint events, then finished or failed. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), agent: z.string(), backend: BackendInfoSchema, data: DataInfoSchema }),
  z.strictObject({ type: z.literal('epoch'), metrics: EpochMetricsSchema }),
  z.strictObject({
    type: z.literal('checkpoint'),
    kind: CheckpointKindSchema,
    epoch: z.number().int().min(0),
    /** db/snapshot-codec's SnapshotModel and its float32 BLOB as base64 */
    model: SnapshotModelSchema,
    weights: z.string(),
  }),
  z.strictObject({ type: z.literal('finished'), summary: RunSummarySchema }),
  z.strictObject({ type: z.literal('failed'), agent: z.string(), error: z.string() }),
]);
export type RunEvent = z.input<typeof RunEventSchema>;
export type ParsedRunEvent = z.output<typeof RunEventSchema>;

/** A stream entry's fields: which run, which attempt at it (a retry is a new attempt), the event as JSON. */
export interface StreamEntry {
  id: string;
  runId: string;
  attempt: string;
  event: ParsedRunEvent;
}

export function entryFields(runId: string, attempt: string, event: RunEvent): string[] {
  return ['run', runId, 'attempt', attempt, 'event', JSON.stringify(event)];
}

/** A stream entry as XREAD returns it ([id, [k, v, k, v…]]); throws naming the entry when it is not one of ours. */
export function parseEntry(id: string, fields: string[]): StreamEntry {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const runId = f.get('run');
  const attempt = f.get('attempt');
  const text = f.get('event');
  if (!runId || !attempt || text === undefined) throw new Error(`stream entry ${id}: missing run, attempt or event`);
  const parsed = RunEventSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `stream entry ${id} (run ${runId}): ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    );
  return { id, runId, attempt, event: parsed.data };
}
