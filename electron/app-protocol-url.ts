// The renderer's origin in the desktop app: a privileged custom scheme, so the page is a secure context with a real
// origin (module workers, WebGPU, fetch) instead of file://.
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** Whether a URL is on the app's own origin. Compared by scheme and host: WHATWG URL (Node, the main process)
 * gives custom schemes the opaque origin "null". */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
