// The renderer's origin in the desktop app: a privileged custom scheme, so the page is a secure context with a real
// origin (module workers, WebGPU, fetch) instead of file://.
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;
