/** Names of grids, communities, streets and departments, read from the cache once per briefing or export. */
import type { Db } from '../cache/database';

interface RegionInfo {
  id: string;
  name: string;
  level: string;
  street_id: string | null;
  community_id: string | null;
}

export class Names {
  readonly regions = new Map<string, RegionInfo>();
  readonly departments = new Map<string, { name: string; short: string }>();
  constructor(db: Db) {
    for (const r of db.prepare('SELECT id, name, level, street_id, community_id FROM regions').all() as RegionInfo[]) this.regions.set(r.id, r);
    for (const d of db.prepare('SELECT id, name, short_name FROM departments').all() as { id: string; name: string; short_name: string }[]) {
      this.departments.set(d.id, { name: d.name, short: d.short_name });
    }
  }
  name(id: string | null | undefined): string {
    return id ? (this.regions.get(id)?.name ?? id) : '';
  }
  gridPlace(gridId: string): { gridName: string; communityName: string; streetName: string } {
    const g = this.regions.get(gridId);
    return { gridName: g?.name ?? gridId, communityName: this.name(g?.community_id), streetName: this.name(g?.street_id) };
  }
}

