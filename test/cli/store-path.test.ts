// Where the CLI finds its database: --db, then $MLPW_DB, then the desktop app's data folder per platform.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { resolveDbPath } from '../../cli/store-path.ts';

describe('resolveDbPath', () => {
  it.each([
    ['linux', {}, '/home/ada/.config/mlp-workbench/workbench.db'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg/mlp-workbench/workbench.db'],
    ['darwin', {}, '/home/ada/Library/Application Support/mlp-workbench/workbench.db'],
    [
      'win32',
      { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
      join('C:\\Users\\ada\\AppData\\Roaming', 'mlp-workbench', 'workbench.db'),
    ],
  ] as const)('defaults to the app data folder on %s %j', (platform, env, expected) => {
    expect(resolveDbPath(undefined, env, platform, '/home/ada')).toBe(expected);
  });

  it('prefers --db, then MLPW_DB, as absolute paths', () => {
    expect(resolveDbPath('runs.db', { MLPW_DB: '/env.db' }, 'linux', '/home/ada')).toBe(resolve('runs.db'));
    expect(resolveDbPath(undefined, { MLPW_DB: '/env.db' }, 'linux', '/home/ada')).toBe('/env.db');
  });
});
