// Which Chromium the browser and end-to-end tests drive. Looked for in this order: $CHROMIUM_PATH (used alone when
// set), `chromium`, `chromium-browser`, `google-chrome` on $PATH, then Playwright's browser cache
// ($PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright, chromium-*/chrome-linux{,64}/chrome, newest first).
// Where none is found the browser projects are skipped with one line saying why, except in CI (CI=true) where a
// missing browser is a failure.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export type ChromiumSearch = { found: true; path: string; source: string } | { found: false; reason: string };

/** What the search reads: the environment, the home folder and the file system (a fake in the unit tests). */
export interface SearchWorld {
  env: Record<string, string | undefined>;
  home: string;
  isExecutable(path: string): boolean;
  list(dir: string): string[];
}

export const ENABLE_HINT =
  'install one (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary';
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome'];

export function findChromium(world: SearchWorld = realWorld()): ChromiumSearch {
  const explicit = world.env.CHROMIUM_PATH;
  if (explicit) {
    return world.isExecutable(explicit)
      ? { found: true, path: explicit, source: 'CHROMIUM_PATH' }
      : { found: false, reason: `CHROMIUM_PATH=${explicit} is not an executable file` };
  }
  const dirs = (world.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ON_PATH) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (world.isExecutable(candidate)) return { found: true, path: candidate, source: `${name} on PATH` };
    }
  }
  const cache = world.env.PLAYWRIGHT_BROWSERS_PATH || join(world.home, '.cache', 'ms-playwright');
  // chromium-1200 before chromium-1190: numeric order on the revision, newest first.
  const revisions = world
    .list(cache)
    .filter((d) => /^chromium-\d+$/.test(d))
    .sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  for (const revision of revisions) {
    for (const platform of ['chrome-linux', 'chrome-linux64']) {
      const candidate = join(cache, revision, platform, 'chrome');
      if (world.isExecutable(candidate)) return { found: true, path: candidate, source: "Playwright's browser cache" };
    }
  }
  return {
    found: false,
    reason: `no Chromium found (CHROMIUM_PATH unset; no ${ON_PATH.join(', ')} on PATH; none in ${cache})`,
  };
}

/** The one line printed when the browser projects are skipped. */
export function skipLine(search: { reason: string }): string {
  return `Skipping the browser and app-e2e test projects: ${search.reason}. To run them, ${ENABLE_HINT}.`;
}

/** In CI a missing browser fails the run: true when `env.CI` is set to anything but "false" or "0". */
export function isCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Resolves the search into a decision: run with this path, skip with this line, or fail (CI) with this message. */
export function chromiumDecision(
  search: ChromiumSearch,
  env: Record<string, string | undefined>,
): { run: true; path: string } | { run: false; skip: string } | { run: false; fail: string } {
  if (search.found) return { run: true, path: search.path };
  if (isCi(env))
    return { run: false, fail: `CI=${env.CI}: the browser tests must run, but ${search.reason}; ${ENABLE_HINT}.` };
  return { run: false, skip: skipLine(search) };
}

export function realWorld(): SearchWorld {
  return {
    env: process.env,
    home: homedir(),
    isExecutable(path) {
      try {
        if (!statSync(path).isFile()) return false;
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}
