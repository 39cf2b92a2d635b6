// `--config` files that once crashed mlpw or flooded the terminal, through the real binary: 100,000 levels of
// nesting (a stack overflow, exit 1), `null` (a TypeError, exit 1), a 100 MB bad value (echoed whole). Each is now
// one short line naming the file and exit 2.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/mlpw.mjs', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function train(config: string) {
  const path = tmp.file(`config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, config);
  const r = spawnSync(process.execPath, [BIN, 'train', '--config', path, '--db', tmp.file('w.db')], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { path, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mlpw train --config: hostile files', () => {
  it.each([
    [
      '100,000 levels of nesting',
      '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
      /: the config is nested more than 64 levels deep$/,
    ],
    ['100,000 levels of nesting, cut short', '['.repeat(100_000), / is not valid JSON at line 1, column 100001: /],
    ['null', 'null', /: the config must be a JSON object \(got null\)$/],
    ['an array', '[1, 2]', /: the config must be a JSON object \(got \[1,2\]\)$/],
    ['a 100 MB name', `{"name": "${'x'.repeat(100 << 20)}"}`, /name: .*\(got "x{20,}…\)$/],
    ['a 4 MB unknown key', `{"${'k'.repeat(4 << 20)}": 1}`, /unknown key "k{20,}…$/],
    ['a 4 MB string where a number goes', `{"epochs": "${'9'.repeat(4 << 20)}"}`, /epochs: .*\(got "9{20,}…\)$/],
    ['a 4 MB string left open', `{"name": "${'x'.repeat(4 << 20)}`, / is not valid JSON at line 1, column \d+: /],
  ])('%s: one short line naming the file, exit 2', { timeout: 120_000 }, (_, text, message) => {
    const r = train(text);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(r.path);
    expect(lines[0]).toMatch(message);
    expect(lines[0]!.length - r.path.length).toBeLessThan(260);
  });
});
