// mlpw: the command line of MLP Workbench. Dispatches to one module per command; user mistakes exit 2 with one line.
import type { Command, CommandContext } from './command.ts';
import { datasets } from './commands/datasets.ts';
import { importCommand } from './commands/import.ts';
import { exportCommand } from './commands/export.ts';
import { predict } from './commands/predict.ts';
import { train } from './commands/train.ts';
import { runs } from './commands/runs.ts';
import { show } from './commands/show.ts';
import { compare } from './commands/compare.ts';
import { exportCsv } from './commands/export-csv.ts';
import { tag } from './commands/tag.ts';
import { note } from './commands/note.ts';
import { rename } from './commands/rename.ts';
import { rm } from './commands/rm.ts';
import { rerun } from './commands/rerun.ts';
import { merge } from './commands/merge.ts';
import { study } from './commands/study.ts';
import { sweep } from './commands/sweep.ts';
import { sweeps } from './commands/sweeps.ts';
import { agent } from './commands/agent.ts';
import { cv } from './commands/cv.ts';
import { distill } from './commands/distill.ts';
import { serve } from './commands/serve.ts';
import { experiments } from './commands/experiments.ts';
import { surface } from './commands/surface.ts';
import { EXIT_FAILED, EXIT_USAGE, isUserError } from './errors.ts';

export const COMMANDS: Command[] = [
  train,
  sweep,
  sweeps,
  agent,
  study,
  cv,
  distill,
  runs,
  experiments,
  show,
  compare,
  exportCsv,
  tag,
  note,
  rename,
  rm,
  rerun,
  merge,
  datasets,
  importCommand,
  exportCommand,
  predict,
  surface,
  serve,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'mlpw — MLP Workbench from the command line',
    '',
    'usage: mlpw <command> [flags]   (mlpw <command> --help for its flags)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(
  argv: string[],
  ctx: CommandContext = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(help());
    return name ? 0 : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`mlpw: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (isUserError(e)) {
      ctx.stderr.write(`mlpw ${name}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    ctx.stderr.write(`mlpw ${name}: ${(e as Error)?.message ?? String(e)}\n`);
    if (ctx.env.MLPW_DEBUG) ctx.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}
