/**
 * The change feed's request parameters, read the same way by both servers that serve the contract (the central
 * data service and the demo generator served directly): whole-number revs and the page size.
 */

/** /v1/changes page size when the client gives no limit, and the most one page holds (a larger limit is capped). */
export const DEFAULT_PAGE = 1000;
export const MAX_PAGE = 5000;

/** A rev-like parameter (after_rev, limit, Last-Event-ID): absent or empty is 0; otherwise a sentence saying why not. */
export function parseWhole(text: unknown, name: string): number | string {
  if (text === undefined || text === '') return 0;
  const s = String(text);
  if (!/^\d{1,16}$/.test(s) || !Number.isSafeInteger(Number(s))) return `${name} must be a whole number of 0 or more (got "${s.slice(0, 40)}").`;
  return Number(s);
}

/** `after_rev` and `limit` of GET /v1/changes, or the sentence for a 400. */
export function pageQuery(query: Record<string, string | undefined>): { after: number; limit: number } | string {
  const after = parseWhole(query.after_rev, 'after_rev');
  if (typeof after === 'string') return after;
  if (query.limit === undefined) return { after, limit: DEFAULT_PAGE };
  const limit = parseWhole(query.limit, 'limit');
  if (typeof limit === 'string' || limit < 1) return `limit must be a whole number from 1 to ${MAX_PAGE} (got "${String(query.limit).slice(0, 40)}").`;
  return { after, limit: Math.min(limit, MAX_PAGE) };
}
