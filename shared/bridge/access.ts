/**
 * Who may make each bridge request over the web host. A viewer token drives a read-only wall; an operator (the
 * operator token, or anyone on a loopback host without a token, and the desktop app) may do everything.
 * Every request must be classified here: a request added to the contract without a role fails the typecheck.
 */
import type { RequestName } from './contract';

export type Role = 'viewer' | 'operator';

export const REQUEST_ACCESS = {
  'app.info': 'viewer',
  'app.echo': 'viewer',
  'sync.status': 'viewer',
  'scene.snapshot': 'viewer',
  'map.regions': 'viewer',
  'regions.list': 'viewer',
  'grid.detail': 'viewer',
  'briefing.get': 'viewer',
  // Pages through case details (titles, places, reporters): staff work, not a wall's.
  'briefing.cases': 'operator',
  'report.template': 'operator',
  'report.export': 'operator',
  'report.audit': 'operator',
  // A wall follows the title, theme, language and scenes; only operators change them or the central API.
  'settings.get': 'viewer',
  'settings.update': 'operator',
  'settings.api': 'operator',
  // Imports write the district's data and list who imported which file: operators only.
  'import.list': 'operator',
  'import.start': 'operator',
  'import.open311': 'operator',
  'import.get': 'operator',
  'import.regions': 'operator',
  'import.commit': 'operator',
  'import.discard': 'operator',
  'import.template': 'operator',
  'import.token': 'operator',
} as const satisfies Record<RequestName, Role>;

export type ViewerRequestName = { [N in RequestName]: (typeof REQUEST_ACCESS)[N] extends 'viewer' ? N : never }[RequestName];

export function mayRequest(role: Role, name: RequestName): boolean {
  return role === 'operator' || REQUEST_ACCESS[name] === 'viewer';
}
