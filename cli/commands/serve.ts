// `mlpw serve`: browser mode. The desktop app's renderer and its WorkbenchApi over HTTP on 127.0.0.1, with a random
// token in the printed URL; runs until Ctrl-C.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERER_DIST, startBrowserMode } from '../../server/browser-mode.ts';
import { intFlag, parseFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { DB_FLAG, resolveDbPath } from '../store-path.ts';

const APP_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The port the user asked for cannot be had: a sentence for exit 2 instead of the raw listen error. */
function listenError(e: unknown, port: number): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new UsageError(`--port ${port} is already in use; choose another or omit --port`);
  if (code === 'EACCES')
    return new UsageError(
      `--port ${port} needs privileges this user does not have; choose one above 1023 or omit --port`,
    );
  return e;
}

export const serve: Command = {
  name: 'serve',
  summary: 'open the workbench in a browser (serves the app on 127.0.0.1 with a private token)',
  usage: `mlpw serve [--port N] [--db FILE] [--json]
  serves the app and its store (--db, else $MLPW_DB, else the desktop app's database) on 127.0.0.1 until Ctrl-C;
  open the printed URL (it carries the access token). Build the app first: npm run build:renderer`,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, { ...DB_FLAG, port: { type: 'string' }, json: { type: 'boolean' } }, false);
    const port = intFlag('port', values.port) ?? 0;
    if (port < 0 || port > 65535) throw new UsageError(`--port: expected 0-65535, got ${port}`);
    const staticDir = ctx.env.MLPW_RENDERER_DIR ?? RENDERER_DIST;
    if (!existsSync(join(staticDir, 'index.html')))
      throw new UsageError(`the app is not built (no ${join(staticDir, 'index.html')}); run: npm run build:renderer`);
    const mode = await startBrowserMode({
      dbPath: resolveDbPath(values.db, ctx.env),
      appVersion: APP_VERSION,
      port,
      staticDir,
    }).catch((e: unknown) => {
      throw listenError(e, port);
    });
    const { url } = mode.server;
    if (values.json) ctx.stdout.write(JSON.stringify({ url, port: mode.server.port, db: mode.store.path }) + '\n');
    else ctx.stdout.write(`MLP Workbench (browser mode): ${url}\nstore: ${mode.store.path}\nCtrl-C stops the server\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await mode.close();
    return 0;
  },
};
