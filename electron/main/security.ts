/**
 * Everything a page could use to leave the app or gain power is refused here, for every web contents the app
 * ever creates (windows, and anything a page might try to open):
 * navigation/redirects away from app://gcc, window.open, <webview>, and every permission request or check.
 */
import { app, type Session, type WebContents } from 'electron';
import type { MainLog } from './log';
import { isAppUrl } from './origin';

const short = (url: string) => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

/** Guards one web contents. Exported for the wall's per-display windows and for tests. */
export function guardWebContents(contents: WebContents, log: MainLog): void {
  const refuseForeign = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn(`Blocked ${kind} to ${short(event.url)}`);
  };
  contents.on('will-navigate', refuseForeign('navigation'));
  contents.on('will-frame-navigate', refuseForeign('frame navigation'));
  contents.on('will-redirect', refuseForeign('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`Blocked a new window for ${short(url)}`);
    return { action: 'deny' };
  });
}

/** Call before any window exists: guards every web contents created from now on. Returns an undo. */
export function installWebContentsGuards(log: MainLog): () => void {
  const onCreated = (_event: unknown, contents: WebContents) => guardWebContents(contents, log);
  app.on('web-contents-created', onCreated);
  return () => {
    app.off('web-contents-created', onCreated);
  };
}

/** No camera, microphone, geolocation, notifications, clipboard, HID… — the wall needs none of them. */
export function applySessionSecurity(session: Session, log: MainLog): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`Denied a "${permission}" permission request`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
