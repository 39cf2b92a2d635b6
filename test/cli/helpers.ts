// Runs the CLI in-process with captured output and a temp database.
import { Readable } from 'node:stream';
import { main } from '../../cli/main.ts';
import type { CommandContext } from '../../cli/command.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  argv: string[],
  opts: { db?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]) as unknown as NodeJS.ReadStream,
    env: { ...opts.env, ...(opts.db ? { MLPW_DB: opts.db } : {}) },
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}

/** Trains a small CPU run into the database and returns its id. */
export async function trainRun(db: string, ...flags: string[]): Promise<string> {
  const r = await cli(
    ['train', '--dataset', 'xor', '--samples', '200', '--epochs', '4', '--backend', 'cpu', '--json', ...flags],
    { db },
  );
  if (r.code !== 0) throw new Error(`train failed (${r.code}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}
