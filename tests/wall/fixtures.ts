/** Small map regions, grid states and snapshots for the wall's unit and component tests. */
import type { SafeCriterion } from '../../shared/api/schemas';
import {
  breakAtRisk,
  breakCriteria,
  breakState,
  type BrokenGrids,
  type EventSummary,
  type GridState,
  type MapRegions,
  type RankingRow,
  type SceneSnapshot,
} from '../../shared/bridge/scene';

/** A broken grid as expectations read it: [id, status, criteria in SAFE_CRITERIA order]. */
export type BreakEntry = [id: string, status: 'at_risk' | 'normal', criteria: SafeCriterion[]];

/** A snapshot's brokenGrids as entries, by id (the columns have no order). */
export function breakEntries(b: BrokenGrids): BreakEntry[] {
  return b.ids
    .map((id, i): BreakEntry => [id, breakAtRisk(b.states[i]) ? 'at_risk' : 'normal', breakCriteria(b.states[i])])
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

export function brokenGridsOf(entries: readonly BreakEntry[]): BrokenGrids {
  return { ids: entries.map((e) => e[0]), states: entries.map(([, status, criteria]) => breakState(status === 'at_risk', criteria)) };
}

const square = (x: number, y: number, d = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});
/** A square region feature as the map regions carry it. */
export const feature = (id: string, name: string, level: string, parentId: string | null, x: number, y: number, d: number) => ({
  type: 'Feature',
  id,
  properties: { id, name, level, code: id, parentId },
  geometry: square(x, y, d),
});

export const regions: MapRegions = {
  datum: 'GCJ-02',
  attribution: 'test',
  synthetic: true,
  bbox: [106.6, 30.5, 106.62, 30.52],
  district: { type: 'FeatureCollection', features: [feature('d', '广安区', 'district', null, 106.5, 30.4, 0.3)] },
  streets: {
    type: 'FeatureCollection',
    features: [feature('s1', '浓洄街道', 'street', 'd', 106.6, 30.5, 0.01), feature('s2', '北辰街道', 'street', 'd', 106.61, 30.5, 0.01)],
  },
  communities: {
    type: 'FeatureCollection',
    features: [feature('c1', '翠屏路社区', 'community', 's1', 106.6, 30.5, 0.01), feature('c2', '城北社区', 'community', 's2', 106.61, 30.5, 0.01)],
  },
  grids: {
    type: 'FeatureCollection',
    features: [
      feature('g1', '翠屏路社区第1网格', 'grid', 'c1', 106.6, 30.5, 0.005),
      feature('g2', '翠屏路社区第2网格', 'grid', 'c1', 106.605, 30.5, 0.005),
      feature('g3', '城北社区第1网格', 'grid', 'c2', 106.61, 30.5, 0.005),
    ],
  },
};

export const gridStates: GridState[] = [
  { id: 'g1', status: 'safe', events: 3, open: 1, critical: 0, broken: [] },
  { id: 'g2', status: 'at_risk', events: 5, open: 2, critical: 1, broken: ['fire', 'crime'] },
  { id: 'g3', status: 'normal', events: 1, open: 1, critical: 0, broken: ['traffic'] },
];

export function event(over: Partial<EventSummary> & { id: string }): EventSummary {
  return {
    kind: 'appeal',
    severity: 'low',
    source: 'hotline_12345',
    stage: 'reported',
    title: '噪音扰民',
    gridId: 'g1',
    gridName: '翠屏路社区第1网格',
    streetName: '浓洄街道',
    location: [106.602, 30.502],
    reportedAt: '2026-11-23T09:00:00.000+08:00',
    deadline: '2026-11-26T09:00:00.000+08:00',
    overdue: false,
    department: '综合执法局',
    criterion: null,
    satisfaction: null,
    reporter: '张** 138****5678',
    ...over,
  };
}

/** A ranking row (street, community or department) of a snapshot. */
export function rankingRow(over: Partial<RankingRow> & { id: string; name: string }): RankingRow {
  return {
    parentName: null,
    events: 10,
    open: 2,
    closed: 8,
    onTime: 6,
    onTimeRate: 0.75,
    satisfaction: 0.8,
    rated: 5,
    satisfied: 3,
    basic: 1,
    dissatisfied: 1,
    disputesFound: 3,
    disputesResolved: 2,
    disputeResolutionRate: 2 / 3,
    overdue: 0,
    safeGrids: 1,
    grids: 2,
    ...over,
  };
}

/** The whole district as a snapshot's scope. */
export const DISTRICT_SCOPE: SceneSnapshot['scope'] = {
  id: null,
  level: 'district',
  name: '广安区',
  path: [{ id: null, level: 'district', name: '广安区' }],
  areaLevel: 'street',
  unknown: null,
};

const zeroKinds = { incident: 0, dispute: 0, hazard: 0, appeal: 0, service: 0 };
const zeroCriteria = { crime: 0, cult: 0, vice: 0, pyramid: 0, fire: 0, traffic: 0, mass_petition: 0, telecom_fraud: 0 };

export function snapshot(preset: 'today' | 'year', over: Partial<SceneSnapshot> = {}): SceneSnapshot {
  return {
    window: { preset, from: 20261101, to: 20261123, label: 'x' },
    generatedAt: '2026-11-23T10:00:00.000+08:00',
    seq: 3,
    scope: DISTRICT_SCOPE,
    totals: {
      events: 9,
      open: 4,
      closed: 5,
      onTime: 4,
      onTimeRate: 0.8,
      overdue: 1,
      critical: 1,
      byKind: { ...zeroKinds, appeal: 9 },
      appeals: 9,
      jointAppeals: 1,
      appealsClosed: 5,
      appealsOnTime: 4,
      appealsOnTimeRate: 0.8,
      satisfaction: { satisfied: 3, basic: 1, dissatisfied: 1, rate: 0.8 },
      disputesFound: 2,
      disputesResolved: 1,
      disputeResolutionRate: 0.5,
      difficultiesSolved: 3,
      breaking: 2,
    },
    organisation: {
      streets: 2,
      communities: 2,
      grids: 3,
      newGrids: 1,
      partyBranches: 3,
      partyMembers: 120,
      workforce: 21,
      fullTimeWorkers: 3,
      enforcementStaff: 4,
      volunteers: 10,
      volunteerTeams: 1,
      population: 3000,
    },
    safeGrids: { period: '2026-Q3', safe: 1, atRisk: 1, normal: 1, total: 3, brokenByCriterion: { ...zeroCriteria, fire: 1, crime: 1, traffic: 1 } },
    funnel: { reported: 2, analysed: 1, dispatched: 1, supervised: 0, evaluated: 0, closed: 5 },
    streets: [],
    communities: [],
    departments: [],
    grids: gridStates.map((g) => ({ ...g, broken: [...g.broken] })),
    brokenGrids: brokenGridsOf([
      ['g2', 'at_risk', ['fire', 'crime']],
      ['g3', 'normal', ['traffic']],
    ]),
    trend: [{ day: 20261123, byKind: { ...zeroKinds, dispute: 2 }, closed: 1, disputesResolved: 1 }],
    recent: [event({ id: 'e1' })],
    points: [{ id: 'e1', kind: 'appeal', stage: 'reported', severity: 'low', lon: 106.602, lat: 30.502 }],
    services: { projects: 1, volunteerSessions: 2, microWishes: 1, demandsMatched: 4, peopleReached: 30, volunteers: 5 },
    ...over,
    // A district's areas are its streets.
    areas: over.areas ?? over.streets ?? [],
  };
}
