// Property tests of the config reader: random JSON values and random mutations of a valid config either parse or
// fail with ConfigError, whose message quotes at most ~80 characters of a value; excerpt() is bounded for any value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_CONFIG_DEPTH, defaultConfig, parseConfig } from '../../engine/config.ts';
import { excerpt } from '../../engine/excerpt.ts';

const MESSAGE_MAX = 80 + 200; // a quoted value, and the field path and zod's sentence around it

function parsesOrRefuses(input: unknown) {
  try {
    parseConfig(input);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.message.length).toBeLessThan(MESSAGE_MAX);
  }
}

type Json = unknown;
/** A valid config with values replaced at random paths (by random JSON, long strings, deep nesting) or deleted. */
const mutated = fc
  .array(
    fc.record({
      path: fc.array(
        fc.oneof(
          fc.constantFrom(
            'dataset',
            'model',
            'layers',
            'optimizer',
            'schedule',
            'units',
            'lr',
            'type',
            'name',
            'epochs',
          ),
          fc.nat({ max: 3 }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constant(undefined),
        fc.string({ minLength: 100, maxLength: 400 }),
        fc.nat({ max: 200 }).map((d) => nest(d)),
      ),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((edits) => {
    const config = structuredClone(defaultConfig()) as Json;
    for (const { path, value } of edits) {
      let at = config as Record<string | number, Json>;
      for (const key of path.slice(0, -1)) {
        const next = at[key];
        if (next === null || typeof next !== 'object') at[key] = {};
        at = at[key] as Record<string | number, Json>;
      }
      if (value === undefined) delete at[path.at(-1)!];
      else at[path.at(-1)!] = value;
    }
    return config;
  });

function nest(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('ExperimentConfig: properties', () => {
  it('random JSON values parse or fail with ConfigError', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), parsesOrRefuses), { numRuns: 300 });
  });

  it('mutations of a valid config parse or fail with ConfigError, its message bounded', () => {
    fc.assert(fc.property(mutated, parsesOrRefuses), { numRuns: 300 });
  });

  it('excerpt() is at most 80 characters for any value, however large or deep', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.string({ minLength: 70, maxLength: 1000 }), fc.nat({ max: 10_000 }).map(nest)),
        (v) => {
          expect(excerpt(v).length).toBeLessThanOrEqual(80);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('nesting deeper than the limit is refused before the schema walks it; 100,000 levels do not overflow', () => {
    expect(() => parseConfig({ dataset: nest(MAX_CONFIG_DEPTH) })).toThrow(
      `the config is nested more than ${MAX_CONFIG_DEPTH} levels deep`,
    );
    expect(() => parseConfig({ name: nest(100_000) })).toThrow(ConfigError);
    expect(() => parseConfig({ name: nest(10) })).toThrow(/name: .*\(got \[\{"a":\[\{"a":/);
    expect(() => parseConfig(null)).toThrow('the config must be a JSON object (got null)');
    expect(() => parseConfig('x'.repeat(1 << 20))).toThrow(/^the config must be a JSON object \(got "x{70,}…\)$/);
    expect(parseConfig(undefined)).toEqual(defaultConfig());
  });
});
