/**
 * The one Content-Security-Policy both hosts send with the renderer's HTML (Electron's app:// protocol and the
 * web host). Pure data, no imports: shared may not depend on Node, Electron or the DOM.
 *
 * Why each relaxation exists:
 * - style-src 'unsafe-inline': ECharts and Vue's transitions write inline style attributes.
 * - img-src data: blob:, worker-src blob:: MapLibre GL builds its workers and some sprites from blobs.
 * - font-src data:: fonts inlined by Vite as data: URLs.
 * Everything else is same-origin only; no eval, no plugins, no framing, no form posts, no <base> hijack.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

export type CspDirectives = { readonly [name: string]: readonly string[] };

/** Serialise directives in order: `name value value; name value`. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** The header value: `Content-Security-Policy: <this>`. */
export const CONTENT_SECURITY_POLICY: string = serializeCsp(CSP_DIRECTIVES);

export const CSP_HEADER = 'Content-Security-Policy';

/** The origin of an intranet tile URL template (https://tiles.example:8443/{z}/{x}/{y}.png → https://tiles.example:8443). */
export function tileOrigin(template: string): string | null {
  const match = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?(?=[/?#]|$)/i.exec(template.trim());
  return match ? `${match[1].toLowerCase()}://${match[2].toLowerCase()}${match[3] ?? ''}` : null;
}

/**
 * The policy for the current basemap setting: an intranet tile server chosen on the Settings page may be fetched
 * and drawn from (its origin only); otherwise the strict policy above.
 */
export function contentSecurityPolicy(basemap?: { kind: string; url?: string } | null): string {
  const origin = basemap?.kind === 'tiles' && basemap.url ? tileOrigin(basemap.url) : null;
  if (!origin) return CONTENT_SECURITY_POLICY;
  return serializeCsp({ ...CSP_DIRECTIVES, 'img-src': [...CSP_DIRECTIVES['img-src'], origin], 'connect-src': [...CSP_DIRECTIVES['connect-src'], origin] });
}
