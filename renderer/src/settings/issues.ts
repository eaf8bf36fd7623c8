/**
 * Field errors of the Settings page. Whatever refused a value — the shared schema checked here as the user types,
 * the bridge client, or the host — names the field in its issue path; the page shows, next to that field, the
 * rule it must follow as a sentence in the user's language (the schemas' own messages are English).
 */
import type { z } from 'zod';
import { PMTILES_PROBLEMS, type PmtilesProblem } from '../../../shared/settings';

export interface Issue {
  path: string;
  message: string;
}

/** Field key → sentence. Keys are issue paths, with a scene's index dropped ("displays.0.scenes"). */
export type FieldErrors = Record<string, string>;

const RULES: [RegExp, string][] = [
  [/^districtTitle$/, 'districtTitle'],
  [/^watermark\.operator$/, 'operator'],
  [/^displays\.\d+\.scenes$/, 'scenes'],
  [/^displays\.\d+\.rotateSeconds$/, 'rotateSeconds'],
  [/^displays\.\d+\.displayKey$/, 'displayKey'],
  [/^displays$/, 'displays'],
  [/^basemap\.path$/, 'basemapPath'],
  [/^basemap\.url$/, 'basemapUrl'],
  [/^updateUrl$/, 'updateUrl'],
  [/^baseUrl$/, 'baseUrl'],
  [/^token$/, 'token'],
  [/^caFile$/, 'caFile'],
  [/^proxy$/, 'proxy'],
];

/** The tile address's placeholders, passed as parameters: vue-i18n would read {z} in a message as its own. */
export const TILE_PLACEHOLDERS = { z: '{z}', x: '{x}', y: '{y}' } as const;

export function fieldKey(path: string): string {
  return path.replace(/^(displays\.\d+\.scenes)\.\d+$/, '$1');
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** The host's reasons for refusing a PMTiles file (it checks the file itself), each with a sentence of its own. */
function pmtilesRule(issue: Issue): string | null {
  const problem = (Object.keys(PMTILES_PROBLEMS) as PmtilesProblem[]).find((p) => PMTILES_PROBLEMS[p] === issue.message);
  return problem ? `pmtiles.${problem}` : null;
}

/** The first problem of each field, worded by `t`; a field the page does not know keeps the host's sentence. */
export function fieldErrors(issues: readonly Issue[], t: (key: string, params: Record<string, string>) => string): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = fieldKey(issue.path);
    if (key in out) continue;
    const rule = (key === 'basemap.path' && pmtilesRule(issue)) || RULES.find(([re]) => re.test(key))?.[1];
    out[key] = rule ? t(`settings.rule.${rule}`, TILE_PLACEHOLDERS) : issue.message;
  }
  return out;
}
