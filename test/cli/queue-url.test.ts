// Queue URLs as `mlpw agent` and `mlpw sweep --queue` read them: redis:// and rediss:// (TLS), a password, a
// database number; anything else is a usage error (exit 2) naming the flag, before anything connects or is stored.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { redisOptions, shownUrl } from '../../queue/connection.ts';
// A bad queue URL is queue/'s user error (the CLI exits 2 on it, as on its own UsageError).
import { QueueUrlError as UsageError } from '../../queue/errors.ts';
import { tempDir } from '../db/helpers.ts';
import { cli } from './helpers.ts';
import { mlpw, SKIP_REDIS, startAgent, startRedis, stopAgent } from './queue-harness.ts';

describe('queue URLs', () => {
  it.each([
    ['redis://10.0.0.5:6380', { host: '10.0.0.5', port: 6380, db: 0 }],
    ['redis://box', { host: 'box', port: 6379, db: 0 }],
    ['redis://:s%40cret@box:6379/2', { host: 'box', port: 6379, db: 2, password: 's@cret' }],
    ['redis://agent:pw@box', { host: 'box', username: 'agent', password: 'pw' }],
    [
      'rediss://queue.example.org:6390',
      { host: 'queue.example.org', port: 6390, tls: { servername: 'queue.example.org' } },
    ],
    ['redis://[::1]:6379', { host: '::1', port: 6379 }],
  ])('%s', (url, expected) => {
    expect(redisOptions(url)).toMatchObject(expected);
  });

  it.each(['http://box:6379', 'box:6379', 'redis://', 'redis://box/x', ''])('%j is a usage error', (url) => {
    expect(() => redisOptions(url)).toThrow(UsageError);
  });

  it('prints a URL with its password masked', () => {
    expect(shownUrl('redis://:hunter2@box:6379')).toBe('redis://:***@box:6379');
    expect(shownUrl('redis://box:6379')).toBe('redis://box:6379');
  });

  it('mlpw agent and mlpw sweep --queue refuse a bad URL with exit 2 and store nothing', async () => {
    const tmp = tempDir();
    try {
      const db = tmp.file('w.db');
      const agent = await cli(['agent', '--queue', 'http://box']);
      expect(agent.code).toBe(2);
      expect(agent.stderr).toMatch(/--queue: expected a redis:\/\/ or rediss:\/\/ URL, got scheme "http"/);
      expect((await cli(['agent'])).stderr).toMatch(/--queue: required/);
      const sweep = await cli(['sweep', '--dataset', 'xor', '--grid', 'optimizer.lr=0.1,0.01', '--queue', 'nope'], {
        db,
      });
      expect(sweep.code).toBe(2);
      expect(sweep.stderr).toMatch(/--queue: expected redis:\/\/HOST:PORT/);
      const bayes = await cli(
        [
          'sweep',
          '--dataset',
          'xor',
          '--method',
          'random',
          '--trials',
          '3',
          '--param',
          'optimizer.lr=uniform:0.01:0.1',
          // bayes now runs on agents (queue-search.test.ts); --parallel is only a bayes search's points in flight
          '--parallel',
          '2',
          '--queue',
          'redis://box',
        ],
        { db },
      );
      expect(bayes.code).toBe(2);
      expect(bayes.stderr).toMatch(/--method bayes/);
      expect(existsSync(db)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it.skipIf(SKIP_REDIS)(
    'a password in the URL reaches a Redis that requires one; a wrong one exits 2, the password masked',
    async () => {
      const tmp = tempDir();
      const redis = await startRedis(tmp.file('redis'), { password: 'p@ss word' });
      try {
        const agent = await startAgent(redis.url, 'locked');
        const r = await cli(
          [
            'sweep',
            '--dataset',
            'xor',
            '--samples',
            '100',
            '--epochs',
            '2',
            '--backend',
            'cpu',
            '--grid',
            'optimizer.lr=0.1',
            '--queue',
            redis.url,
          ],
          { db: tmp.file('w.db') },
        );
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('redis://:***@127.0.0.1');
        expect(r.stdout).not.toContain('p%40ss');
        await stopAgent(agent);
        const refused = mlpw(['agent', '--queue', redis.url.replace(/:[^:@/]*@/, ':wrong@')]);
        expect(await refused.exited).toBe(2);
        expect(refused.stderr()).toMatch(/--queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
      } finally {
        await redis.stop();
        tmp.cleanup();
      }
    },
    300_000,
  );
});
