// Security beyond the window's webPreferences: no navigation away from the app (main frame or subframe), no new
// windows, no webviews, no permission prompts (the app needs none; WebGPU needs no permission).
import type { App, Session } from 'electron';
import { isAppUrl } from './app-protocol-url.ts';

/** Only our own page may load in a window; hash changes do not count as navigation. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

export function secureApp(app: App, session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    // will-navigate sees only the main frame; the app has no subframes, so any subframe navigation is refused.
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame || !allowNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
