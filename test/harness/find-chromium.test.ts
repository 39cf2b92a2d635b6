// The Chromium finder of the browser and e2e projects (test/browser/find-chromium.ts) over a fake file system and
// environment: the order of the search, none where none, and the CI rule (a failure, never a skip).
import { describe, expect, it } from 'vitest';
import { chromiumDecision, findChromium, type SearchWorld } from '../browser/find-chromium.ts';

function world(
  executables: string[],
  env: Record<string, string | undefined>,
  dirs: Record<string, string[]> = {},
): SearchWorld {
  return { env, home: '/home/u', isExecutable: (p) => executables.includes(p), list: (d) => dirs[d] ?? [] };
}

const cache = '/home/u/.cache/ms-playwright';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, over anything on PATH', () => {
    const w = world(['/opt/c/chrome', '/usr/bin/chromium'], { CHROMIUM_PATH: '/opt/c/chrome', PATH: '/usr/bin' });
    expect(findChromium(w)).toEqual({ found: true, path: '/opt/c/chrome', source: 'CHROMIUM_PATH' });
  });

  it('names a CHROMIUM_PATH that is not there instead of quietly using another browser', () => {
    const w = world(['/usr/bin/chromium'], { CHROMIUM_PATH: '/nonexistent', PATH: '/usr/bin' });
    expect(findChromium(w)).toEqual({ found: false, reason: 'CHROMIUM_PATH=/nonexistent is not an executable file' });
  });

  it('looks for chromium, then chromium-browser, then google-chrome on PATH, in PATH order', () => {
    const env = { PATH: '/a:/b' };
    expect(findChromium(world(['/b/chromium', '/a/chromium-browser'], env))).toMatchObject({
      path: '/b/chromium',
      source: 'chromium on PATH',
    });
    expect(findChromium(world(['/b/chromium', '/a/chromium'], env))).toMatchObject({ path: '/a/chromium' });
    expect(findChromium(world(['/b/google-chrome', '/a/chromium-browser'], env))).toMatchObject({
      path: '/a/chromium-browser',
    });
    expect(findChromium(world(['/b/google-chrome'], env))).toMatchObject({
      path: '/b/google-chrome',
      source: 'google-chrome on PATH',
    });
  });

  it("falls back to Playwright's cache, newest revision first, chrome-linux or chrome-linux64", () => {
    const dirs = { [cache]: ['chromium-999', 'ffmpeg-1010', 'chromium-1200', 'chromium_headless_shell-1200'] };
    const both = [`${cache}/chromium-999/chrome-linux/chrome`, `${cache}/chromium-1200/chrome-linux64/chrome`];
    expect(findChromium(world(both, { PATH: '/usr/bin' }, dirs))).toEqual({
      found: true,
      path: both[1],
      source: "Playwright's browser cache",
    });
    const custom = { '/pw': ['chromium-5'] };
    expect(
      findChromium(world(['/pw/chromium-5/chrome-linux/chrome'], { PLAYWRIGHT_BROWSERS_PATH: '/pw' }, custom)),
    ).toMatchObject({ path: '/pw/chromium-5/chrome-linux/chrome' });
  });

  it('returns none, saying where it looked, where there is none', () => {
    const r = findChromium(world(['/usr/bin/firefox'], { PATH: '/usr/bin:/bin' }, { [cache]: ['firefox-1400'] }));
    expect(r).toEqual({
      found: false,
      reason: `no Chromium found (CHROMIUM_PATH unset; no chromium, chromium-browser, google-chrome on PATH; none in ${cache})`,
    });
  });
});

describe('chromiumDecision', () => {
  const none = { found: false as const, reason: 'no Chromium found' };

  it('runs with the path found', () => {
    expect(chromiumDecision({ found: true, path: '/x/chrome', source: 'CHROMIUM_PATH' }, { CI: 'true' })).toEqual({
      run: true,
      path: '/x/chrome',
    });
  });

  it('skips with one line that says why and how to enable the browser tests, outside CI', () => {
    for (const env of [{}, { CI: '' }, { CI: 'false' }, { CI: '0' }]) {
      const d = chromiumDecision(none, env);
      expect(d).toEqual({
        run: false,
        skip: 'Skipping the browser and app-e2e test projects: no Chromium found. To run them, install one (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      });
      expect('skip' in d && d.skip.includes('\n')).toBe(false);
    }
  });

  it('fails, never skips, in CI', () => {
    for (const CI of ['true', '1']) {
      const d = chromiumDecision(none, { CI });
      expect(d).toMatchObject({ run: false });
      expect('fail' in d && d.fail).toMatch(
        new RegExp(`^CI=${CI}: the browser tests must run, but no Chromium found; install one`),
      );
    }
  });
});
