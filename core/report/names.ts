/** Names of grids, communities, streets and departments, read from the cache once per briefing or export. */
import type { CacheReads, RegionRow } from '../cache/reads';

export class Names {
  readonly regions: Map<string, RegionRow>;
  readonly departments: Map<string, { name: string; short: string }>;
  constructor(reads: CacheReads) {
    this.regions = new Map(reads.regions().map((r) => [r.id, r]));
    this.departments = new Map(reads.departments().map((d) => [d.id, d]));
  }
  name(id: string | null | undefined): string {
    return id ? (this.regions.get(id)?.name ?? id) : '';
  }
  gridPlace(gridId: string): { gridName: string; communityName: string; streetName: string } {
    const g = this.regions.get(gridId);
    return { gridName: g?.name ?? gridId, communityName: this.name(g?.community_id), streetName: this.name(g?.street_id) };
  }
}
