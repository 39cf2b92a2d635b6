// `mlpw serve` as a user starts it: the real binary in a child process, on a temporary database; resolves with the
// URL it prints (--json) and stops it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Served {
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export function startServe(dbPath: string): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/mlpw.mjs', 'serve', '--port', '0', '--db', dbPath, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mlpw serve exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const { url } = JSON.parse(line) as { url: string };
      const parsed = new URL(url);
      resolve({
        url,
        origin: parsed.origin,
        // the token rides in the fragment (#token=…), which the browser keeps to itself
        token: new URLSearchParams(parsed.hash.slice(1)).get('token')!,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
