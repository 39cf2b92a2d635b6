// Imported datasets travel by content hash: the coordinator puts a snapshot's rows in Redis once (SET NX), agents
// fetch it on first use and keep it by hash for every later run on it. Layout of the value: a uint32 (LE) header
// length, the JSON header, then x (n × features float32), labels (n uint32) or targets (n × outputs float32), LE.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Dataset } from '../engine/types.ts';
import { keys } from './connection.ts';

const HeaderSchema = z.strictObject({
  name: z.string(),
  task: z.enum(['classification', 'regression']),
  n: z.number().int().min(0),
  features: z.number().int().positive(),
  outputs: z.number().int().positive(),
  classLabels: z.array(z.string()).optional(),
  featureNames: z.array(z.string()).optional(),
});

export function encodeDataset(d: Dataset): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      name: d.name,
      task: d.task,
      n: d.n,
      features: d.features,
      outputs: d.outputs,
      ...(d.classLabels ? { classLabels: d.classLabels } : {}),
      ...(d.featureNames ? { featureNames: d.featureNames } : {}),
    }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const ys = d.task === 'classification' ? d.labels! : d.targets!;
  return Buffer.concat([len, header, bytes(d.x), bytes(ys)]);
}

export function decodeDataset(buf: Buffer, hash: string): Dataset {
  const headerLen = buf.readUInt32LE(0);
  const header = HeaderSchema.parse(JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')));
  let at = 4 + headerLen;
  const take = (count: number) => {
    // A copy: typed arrays need 4-byte alignment, which a slice of the Redis reply need not have.
    if (at + count * 4 > buf.length)
      throw new Error(`dataset ${hash} in Redis is truncated: ${buf.length} bytes for ${header.n} rows`);
    const out = new Uint8Array(count * 4);
    out.set(buf.subarray(at, at + count * 4));
    at += count * 4;
    return out.buffer;
  };
  const x = new Float32Array(take(header.n * header.features));
  const d: Dataset = { ...header, x };
  if (header.task === 'classification') d.labels = new Uint32Array(take(header.n));
  else d.targets = new Float32Array(take(header.n * header.outputs));
  return d;
}

function bytes(a: Float32Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Puts a snapshot in Redis unless one with this hash is there already; returns whether it wrote. */
export async function putDataset(redis: Redis, hash: string, d: Dataset): Promise<boolean> {
  if (await redis.exists(keys.dataset(hash))) return false;
  return (await redis.set(keys.dataset(hash), encodeDataset(d), 'NX')) === 'OK';
}

/** An agent's datasets by hash, fetched from Redis once per process. */
export class DatasetCache {
  private readonly byHash = new Map<string, Promise<Dataset>>();
  constructor(private readonly redis: Redis) {}

  get(hash: string): Promise<Dataset> {
    let d = this.byHash.get(hash);
    if (!d) {
      d = this.redis.getBuffer(keys.dataset(hash)).then((buf) => {
        if (!buf) throw new Error(`dataset ${hash} is not in the queue's Redis (the coordinator puts it there first)`);
        return decodeDataset(buf, hash);
      });
      // A failed fetch is not kept: the next run on this hash asks again.
      d.catch(() => this.byHash.delete(hash));
      this.byHash.set(hash, d);
    }
    return d;
  }
}
