/**
 * Pure helpers that arrange what the query layer sent for display: look-ups from the regions, grouping the live
 * grid states for the lists and the matrix, the spotlight order. No rate or KPI is computed here (those come from
 * shared/kpi/formulas through the query layer); these only count and sort reported states.
 */
import { SAFE_CRITERIA, type SafeCriterion } from '../../../shared/api/schemas';
import type { BrokenGrids, GridState, MapRegions, SceneSnapshot } from '../../../shared/bridge/scene';
import { riskRank as rankOfRisk } from '../../../shared/kpi/formulas';

export interface GridInfo {
  id: string;
  name: string;
  communityId: string | null;
  communityName: string;
  streetId: string | null;
  streetName: string;
}

type Props = { id: string; name: string; parentId: string | null };

function features(fc: unknown): Props[] {
  const list = (fc as { features?: { properties?: Props | null }[] } | null)?.features ?? [];
  return list.map((f) => f.properties).filter((p): p is Props => !!p && typeof p.id === 'string');
}

/** Grid id → its names and parents, from the map regions. */
export function gridIndex(regions: MapRegions | null): Map<string, GridInfo> {
  const out = new Map<string, GridInfo>();
  if (!regions) return out;
  const streets = new Map(features(regions.streets).map((p) => [p.id, p]));
  const communities = new Map(features(regions.communities).map((p) => [p.id, p]));
  for (const g of features(regions.grids)) {
    const c = g.parentId ? communities.get(g.parentId) : undefined;
    const s = c?.parentId ? streets.get(c.parentId) : undefined;
    out.set(g.id, { id: g.id, name: g.name, communityId: c?.id ?? null, communityName: c?.name ?? '', streetId: s?.id ?? null, streetName: s?.name ?? '' });
  }
  return out;
}

/** Area × criterion: how many of each area's grids break each criterion (an area: a street, a community or a grid). */
export function criteriaByArea(
  broken: Readonly<BrokenGrids>,
  index: ReadonlyMap<string, GridInfo>,
  areas: readonly { id: string; name: string }[],
  level: 'street' | 'community' | 'grid',
): { rows: string[]; cols: SafeCriterion[]; cells: [number, number, number][] } {
  const row = new Map(areas.map((s, i) => [s.id, i]));
  const areaOf = (id: string) => (level === 'grid' ? id : level === 'street' ? index.get(id)?.streetId : index.get(id)?.communityId);
  const counts = areas.map(() => SAFE_CRITERIA.map(() => 0));
  broken.ids.forEach((id, i) => {
    const r = row.get(areaOf(id) ?? '');
    if (r === undefined) return;
    const state = broken.states[i];
    for (let k = 0; k < SAFE_CRITERIA.length; k++) if (state & (2 << k)) counts[r][k]++;
  });
  const cells: [number, number, number][] = [];
  counts.forEach((cols, r) => cols.forEach((v, c) => cells.push([c, r, v])));
  return { rows: areas.map((s) => s.name), cols: [...SAFE_CRITERIA], cells };
}

export interface RiskRow extends GridInfo {
  broken: SafeCriterion[];
  open: number;
  status: GridState['status'];
}

/** A grid state's place in the risk list (shared/kpi/formulas.ts riskRank), lower first. */
export const riskRank = (g: Pick<GridState, 'status' | 'broken'>): number => rankOfRisk(g.status, g.broken.length);

/** Grids at risk first (then normal grids with broken criteria), most criteria broken first, then most open cases. */
export function riskList(grids: readonly GridState[], index: ReadonlyMap<string, GridInfo>): RiskRow[] {
  return grids
    .filter((g) => g.broken.length > 0)
    .map((g) => ({
      ...(index.get(g.id) ?? { id: g.id, name: g.id, communityId: null, communityName: '', streetId: null, streetName: '' }),
      broken: g.broken,
      open: g.open,
      status: g.status,
    }))
    .sort((a, b) => riskRank(a) - riskRank(b) || b.open - a.open || a.id.localeCompare(b.id));
}

/** The spotlight tour: grids with open cases and serious ones among them, most critical first. */
export function spotlightOrder(grids: readonly GridState[], limit = 20): string[] {
  return grids
    .filter((g) => g.open > 0 && (g.critical > 0 || g.status === 'at_risk'))
    .sort((a, b) => b.critical - a.critical || Number(b.status === 'at_risk') - Number(a.status === 'at_risk') || b.open - a.open || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((g) => g.id);
}

/** The last `days` points of the daily trend. */
export function lastDays(trend: SceneSnapshot['trend'], days = 30): SceneSnapshot['trend'] {
  return trend.slice(-days);
}
