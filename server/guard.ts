// Who may talk to browser mode: only pages on this machine that know the token. The Host check stops DNS
// rebinding (a foreign name resolving to 127.0.0.1); the Origin check stops other sites' pages; the token stops
// other local users and processes that did not see the printed URL. The token travels only in a header our page
// sets: never a cookie, which browsers send to every port of the host (other servers there would receive it).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
export const TOKEN_HEADER = 'x-workbench-token';

export function loopbackHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host !== undefined && LOOPBACK_HOSTS.some((h) => host === `${h}:${port}`);
}

/** A request from a page may carry Origin; it must be this server. Requests without it (navigation, curl) pass. */
export function loopbackOrigin(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return LOOPBACK_HOSTS.some((h) => origin === `http://${h}:${port}`);
}

export function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function headerToken(req: IncomingMessage): string | undefined {
  const value = req.headers[TOKEN_HEADER];
  return Array.isArray(value) ? value[0] : value;
}
