/**
 * The desktop app's one origin. The renderer is served from `app://gcc/…` (a privileged standard scheme, see
 * protocol.ts), never from file://, so "is this our page?" has a single exact answer everywhere in main.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'gcc';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True only for `app://gcc/…` exactly: no other host, no port, no credentials.
 * (Node's URL reports origin "null" for non-special schemes such as app:, so the parts are compared one by one.)
 */
export function isAppUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length === 0) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.hostname === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}
