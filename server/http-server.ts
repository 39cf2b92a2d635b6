// Browser mode: the built renderer and the WorkbenchApi over HTTP, on 127.0.0.1 only. POST /api/<method> with the
// method's input as the JSON body answers a DispatchResult. Every request must come to a loopback Host, from no
// Origin or our own; API calls need the token in the X-Workbench-Token header. The pages, scripts, wasm and worker
// scripts are the public app bundle and need no credential, so nothing the browser attaches by itself (a cookie)
// grants anything. The printed URL carries the token in its fragment (#token=…), which the browser never sends: the
// page keeps it in sessionStorage (per tab and per origin, so per port) and strips it from the address bar.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatch } from '../api/dispatch.ts';
import type { ApiHandlers } from '../api/workbench-api.ts';
import { headerToken, loopbackHost, loopbackOrigin, sameToken } from './guard.ts';
import { sendJson, sendText, setCommonHeaders } from './headers.ts';
import { serveStatic } from './static-files.ts';
import { handleDatasetUpload, type DatasetUploadHandler } from './upload-route.ts';

export interface ServeOptions {
  handlers: ApiHandlers;
  /** browser mode's dataset upload (POST /api/upload/dataset); without it the route answers 404 */
  uploadDataset?: DatasetUploadHandler;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  /** 0 picks a free port */
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const UNAUTHORIZED =
  'missing or wrong token: open the URL printed by `mlpw serve` (it carries the token after #token=)';

// Checkpoints of large networks travel as JSON number arrays; this bounds one request, not a run.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw Object.assign(new Error('request body is not JSON'), { status: 400 });
  }
}

async function handleApi(
  handlers: ApiHandlers,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST')
    return sendJson(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'use POST' } });
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    return sendJson(res, 415, {
      ok: false,
      error: { code: 'unsupported_media_type', message: 'send application/json' },
    });
  let input: unknown;
  try {
    input = await readJson(req);
  } catch (e) {
    const status = (e as { status?: number }).status ?? 400;
    return sendJson(res, status, { ok: false, error: { code: 'bad_request', message: (e as Error).message } });
  }
  const result = await dispatch(handlers, method, input);
  const status = result.ok
    ? 200
    : result.error.code === 'unknown_method'
      ? 404
      : result.error.code === 'internal'
        ? 500
        : 400;
  sendJson(res, status, result);
}

export function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const server: Server = createServer((req, res) => {
    setCommonHeaders(res);
    void (async () => {
      if (!loopbackHost(req, port) || !loopbackOrigin(req, port))
        return sendText(res, 403, 'forbidden: not a loopback host or origin');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (url.pathname.startsWith('/api/')) {
        if (!sameToken(headerToken(req), token))
          return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: UNAUTHORIZED } });
        if (url.pathname === '/api/upload/dataset') return handleDatasetUpload(options.uploadDataset, url, req, res);
        return handleApi(options.handlers, url.pathname.slice('/api/'.length), req, res);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
      await serveStatic(options.staticDir, url.pathname, res, req.method === 'HEAD');
    })().catch((e: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'internal', message: (e as Error).message } });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        url: `${origin}/#token=${token}`,
        origin,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
