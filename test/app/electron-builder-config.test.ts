// electron-builder.yml read as data: the Electron fuses the packaged app is built with, checked by name and value,
// and the whole file validated by electron-builder's own schema (a misspelt fuse would be silently ignored otherwise).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const CONFIG_FILE = fileURLToPath(new URL('../../electron-builder.yml', import.meta.url));
const config = load(readFileSync(CONFIG_FILE, 'utf8')) as { asar?: unknown; electronFuses?: Record<string, unknown> };

describe('electron-builder.yml', () => {
  it('packs the app into an asar archive and flips the fuses that close Node.js entry points', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false, // ELECTRON_RUN_AS_NODE cannot turn the signed binary into a Node.js runtime
      enableNodeOptionsEnvironmentVariable: false, // nor NODE_OPTIONS / NODE_EXTRA_CA_CERTS inject code
      enableNodeCliInspectArguments: false, // nor --inspect or SIGUSR1 attach a debugger
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true, // app.asar is checked against the hash in the binary
      onlyLoadAppFromAsar: true, // and is the only place app code is loaded from
      grantFileProtocolExtraPrivileges: false, // the app loads from app://, never file://
    });
  });

  it("is valid for electron-builder's schema", async () => {
    // app-builder-lib is electron-builder's own configuration code, resolved from electron-builder's folder.
    const require = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, l: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });
});
