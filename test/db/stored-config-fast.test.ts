// Stored configs read by hand in the full form the app writes (db/stored-config-fast.ts) give exactly what the zod
// schema gives, on many shapes (legacy ones included) and on every one-field change of them; and a real store's
// listing and getRun hand out those configs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../db/index.ts';
import { storedConfig } from '../../db/columns.ts';
import { fastStoredConfig } from '../../db/stored-config-fast.ts';
import { parseConfig, withLegacySplit } from '../../engine/config.ts';
import { tempDir } from './helpers.ts';

/** What storedConfig returned before the fast path: the schema's answer, or its message. */
function bySchema(text: string): { config: unknown } | { error: string } {
  try {
    return { config: parseConfig(withLegacySplit(JSON.parse(text) as unknown)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
const schemaConfig = (text: string) => parseConfig(withLegacySplit(JSON.parse(text) as unknown));
function byStore(text: string): { config: unknown } | { error: string } {
  try {
    return { config: storedConfig('run x', text) };
  } catch (e) {
    return { error: (e as Error).message.replace(/^run x: its stored config is not a valid experiment config: /, '') };
  }
}

const full = (input: Record<string, unknown>) => parseConfig(input) as unknown as Record<string, unknown>;
const without = (o: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const canonical = full({ name: 'bench-1', dataset: { name: 'moons' }, optimizer: { lr: 0.003 }, seed: 7 });

const SHAPES: Record<string, unknown> = {
  defaults: full({}),
  canonical,
  transforms: full({ dataset: { source: 'builtin', name: 'xor', transforms: ['x1^2', 'sin(x2)'] } }),
  imported: full({ dataset: { source: 'imported', name: 'house.csv', hash: 'a'.repeat(64), rows: 120 } }),
  importedByName: full({ dataset: { source: 'imported', name: 'house.csv' } }),
  importedLeftovers: {
    ...canonical,
    dataset: { source: 'imported', name: 'house.csv', samples: 500, noise: 0.05, classes: 2, seed: 1 },
  },
  crossValidation: full({ crossValidation: { folds: 5, fold: 4 } }),
  distill: full({ distill: { teacher: 'abc123', loss: 'soft-ce', temperature: 2, alpha: 0.25 } }),
  manyLayers: full({ model: { layers: Array.from({ length: 64 }, (_, i) => ({ units: i + 1, activation: 'gelu' })) } }),
  noLayers: full({ model: { layers: [] } }),
  noStratify: without(canonical, 'stratify'),
  noTestSplit: without(canonical, 'testSplit'),
  oldest: without(canonical, 'stratify', 'testSplit', 'precision'),
  sparse: { dataset: { name: 'spiral' }, model: { layers: [{ units: 4 }] } },
  reordered: Object.fromEntries(Object.entries(canonical).reverse()),
  layerWithoutDropout: {
    ...canonical,
    model: { layers: [{ units: 8, activation: 'tanh' }], head: 'auto', init: 'he' },
  },
};

const VALUES: unknown[] = [
  -1,
  0,
  1e-9,
  0.5,
  0.9,
  0.95,
  1,
  1.5,
  2,
  10,
  11,
  99,
  100,
  101,
  200,
  65536,
  65537,
  1e6,
  1e6 + 1,
  1e7 + 1,
  0xffffffff,
  2 ** 32,
  2 ** 53,
  -0.5,
  '',
  'x',
  'relu',
  'adam',
  'imported',
  'builtin',
  'x1^2',
  'val_acc',
  'float64',
  'none',
  true,
  false,
  null,
  [],
  {},
  ['x1^2', 'x1^2'],
  ['x1^2', 'nope'],
  'a'.repeat(200),
  'a'.repeat(201),
  '\u{1F600}'.repeat(150),
];

/** Every config one change away from `base`: each value at each path, each key removed, an unknown key added. */
function* variants(base: unknown, path: (string | number)[] = []): Generator<unknown> {
  const at = (value: unknown, p: (string | number)[], make: (parent: unknown) => unknown): unknown => {
    if (p.length === 0) return make(value);
    const [head, ...rest] = p;
    if (Array.isArray(value)) return value.map((v, i) => (i === head ? at(v, rest, make) : v));
    return { ...(value as object), [head!]: at((value as Record<string, unknown>)[head!], rest, make) };
  };
  const node = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base);
  if (node !== null && typeof node === 'object') {
    yield at(base, path, (o) => (Array.isArray(o) ? [...o, 'zz'] : { ...(o as object), zz: 1 }));
    for (const [k] of Object.entries(node)) {
      const key = Array.isArray(node) ? Number(k) : k;
      if (!Array.isArray(node))
        yield at(base, path, (o) => Object.fromEntries(Object.entries(o as object).filter(([kk]) => kk !== k)));
      yield* variants(base, [...path, key]);
    }
  }
  if (path.length > 0) for (const v of VALUES) yield at(base, path, () => v);
}

describe('stored configs read fast', () => {
  it('takes the fast path for what the app writes, and not for what needs the schema', () => {
    for (const name of ['defaults', 'canonical', 'transforms', 'imported', 'crossValidation', 'distill', 'noStratify'])
      expect(fastStoredConfig(withLegacySplit(SHAPES[name])), name).toBeDefined();
    for (const name of ['importedLeftovers', 'noTestSplit', 'oldest', 'sparse', 'layerWithoutDropout'])
      expect(fastStoredConfig(withLegacySplit(SHAPES[name])), name).toBeUndefined();
  });

  it('equals the schema, key order included, on every shape and every one-field change of it', () => {
    let cases = 0;
    let fast = 0;
    for (const [name, shape] of Object.entries(SHAPES))
      // 64 layers are checked as they are; their one-field changes would be 9,000 cases of the same three checks
      for (const input of name === 'manyLayers' ? [shape] : [shape, ...variants(shape)]) {
        const text = JSON.stringify(input);
        const want = bySchema(text);
        const got = byStore(text);
        expect(got, `${name}: ${text}`).toStrictEqual(want);
        if ('config' in want) expect(JSON.stringify(got), `${name}: ${text}`).toBe(JSON.stringify(want));
        cases++;
        if (fastStoredConfig(withLegacySplit(input)) !== undefined) fast++;
      }
    // wide margins: thousands of cases, a good share of them valid and read by hand
    expect(cases).toBeGreaterThan(5000);
    expect(fast).toBeGreaterThan(1000);
    console.log(`${cases} configs compared, ${fast} of them read by hand`);
  });

  describe('in a real store', () => {
    let tmp: ReturnType<typeof tempDir>;
    let store: RunStore;
    beforeEach(() => {
      tmp = tempDir();
      store = new RunStore(tmp.file('fast.db'));
    });
    afterEach(() => {
      store.close();
      tmp.cleanup();
    });

    it('lists and gets the configs the schema reads from each stored text', () => {
      const texts = new Map<string, string>();
      const update = store.db.prepare('UPDATE runs SET config = ? WHERE id = ?');
      // three runs of each shape: more than listRuns reads one by one, so a cold listing reads the texts at once
      for (const shape of [...Object.values(SHAPES), ...Object.values(SHAPES), ...Object.values(SHAPES)]) {
        const id = store.createRun(parseConfig({}));
        const text = JSON.stringify(shape);
        update.run(text, id); // as a config stored by an older version reads
        texts.set(id, text);
      }
      const fresh = new RunStore(tmp.file('fast.db'), { readonly: true });
      try {
        for (const listed of [store.listRuns(), fresh.listRuns({}, { shared: true }), fresh.listRuns()]) {
          expect(listed).toHaveLength(texts.size);
          for (const r of listed) {
            const want = schemaConfig(texts.get(r.id)!);
            expect(r.config, r.id).toStrictEqual(want);
            expect(JSON.stringify(r.config)).toBe(JSON.stringify(want));
          }
        }
        for (const [id, text] of texts) expect(fresh.getRun(id).config).toStrictEqual(schemaConfig(text));
        // a text edited outside the app after a listing: that run alone is read again (one by one) and parsed
        const [edited] = texts.keys();
        const text = JSON.stringify(SHAPES.distill);
        update.run(text, edited);
        texts.set(edited!, text);
        expect(store.listRuns().find((r) => r.id === edited)!.config).toStrictEqual(schemaConfig(text));
      } finally {
        fresh.close();
      }
    });
  });
});
