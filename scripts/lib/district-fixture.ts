/**
 * A deterministic district for the report tests and benchmarks (tests/report, scripts/bench-report.ts): Guang'an's 6 urban streets and their communities
 * (real names from resources/data/guangan-divisions.json), grids, 16 departments, and events over chosen spans with
 * realistic weekly volumes (≈29 appeals, ≈5 disputes, ≈310 service demands a week at district scale), lateness that
 * differs by department, dissatisfaction that differs by community, safe-grid breaches, repeated appeals and
 * quarterly safe-grid evaluations. City scale multiplies the geography (≈20,000 grids) and the volumes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCache } from '../../core/cache/database';
import { CacheStore } from '../../core/cache/store';
import type { Event, EventKind, OrganisationResponse, Region, RegionsResponse, SafeCriterion, SafeGridEvaluation } from '../../shared/api/schemas';
import { SAFE_CRITERIA } from '../../shared/api/schemas';
import { periodOfDay, periodRange } from '../../shared/kpi/formulas';
import { addDays, dayStart, toShanghaiIso } from '../../shared/time/shanghai';

export const FIXTURE_NOW = Date.parse('2026-11-25T10:00:00+08:00');
export const FIXTURE_WEEK = '2026-W47';

export interface DistrictOptions {
  scale?: 'district' | 'city';
  /** Inclusive yyyymmdd spans of reporting days to generate. */
  spans?: { from: number; to: number }[];
  now?: number;
  seed?: number;
  file?: string;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS = [
  ['广安区综合行政执法局', '综合执法局'],
  ['广安区市场监督管理局', '市场监管局'],
  ['广安市公安局广安区分局', '公安分局'],
  ['广安区住房和城乡建设局', '住建局'],
  ['广安区民政局', '民政局'],
  ['广安区司法局', '司法局'],
  ['广安区人力资源和社会保障局', '人社局'],
  ['广安区卫生健康局', '卫健局'],
  ['广安区应急管理局', '应急管理局'],
  ['广安市生态环境局广安区分局', '生态环境分局'],
  ['广安区交通运输局', '交通运输局'],
  ['广安区教育局', '教育局'],
  ['广安市自然资源和规划局广安区分局', '自然资源分局'],
  ['广安区信访局', '信访局'],
  ['广安区消防救援大队', '消防救援大队'],
  ['广安区水务局', '水务局'],
] as const;

const TITLES: Record<EventKind, string[]> = {
  appeal: ['噪音扰民', '小区路灯不亮', '占道经营', '楼道堆放杂物', '下水道堵塞', '物业服务不到位', '违规停车堵塞通道', '垃圾清运不及时'],
  dispute: ['邻里漏水纠纷', '物业费纠纷', '婚姻家庭纠纷', '劳务报酬纠纷', '相邻通行纠纷'],
  hazard: ['电动车楼道充电', '消防通道堵塞', '燃气管道老化', '广告牌松动', '围墙开裂'],
  incident: ['盗窃电瓶车', '酒后滋事', '电信诈骗未遂', '门店失火', '两车剐蹭'],
  service: ['独居老人助餐', '困难家庭帮扶', '就业岗位对接', '上门理发', '法律咨询'],
};
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';

/** Weekly volumes at district scale. */
const WEEKLY: Record<EventKind, number> = { appeal: 29, dispute: 5, hazard: 12, incident: 6, service: 310 };
const DEADLINE_DAYS: Record<EventKind, number> = { appeal: 3, dispute: 7, hazard: 5, incident: 2, service: 7 };

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]] as [number, number][]],
});

export interface DistrictFixture {
  file: string;
  regions: RegionsResponse;
  organisation: OrganisationResponse;
  events: number;
}

export function buildDistrictRegions(scale: 'district' | 'city'): RegionsResponse {
  const divisions = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../resources/data/guangan-divisions.json'), 'utf8')) as {
    townships: { code: string; name: string; kind: string; committees: { code: string; name: string }[] }[];
  };
  const base = divisions.townships.filter((t) => t.kind === '街道').slice(0, 6);
  const copies = scale === 'city' ? 11 : 1;
  const gridsPerCommunity = scale === 'city' ? 48 : 7;
  const regions: Region[] = [
    { id: 'd', code: '511602', level: 'district', name: scale === 'city' ? '广安市' : '广安区', parent_id: null, center: [106.63, 30.46], geometry: square(106.5, 30.3, 0.3), synthetic_geometry: false, profile: null },
  ];
  let gridCount = 0;
  for (let c = 0; c < copies; c++) {
    for (const [si, t] of base.entries()) {
      const streetId = `s${c}-${si}`;
      const sx = 106.5 + si * 0.05;
      const sy = 30.3 + c * 0.02;
      regions.push({ id: streetId, code: `${t.code}`.padEnd(9, '0').slice(0, 7) + String(c * 10 + si).padStart(2, '0'), level: 'street', name: c ? `${t.name.replace('街道', '')}${c}街道` : t.name, parent_id: 'd', center: [sx, sy], geometry: square(sx, sy, 0.05), synthetic_geometry: true, profile: null });
      const communities = t.committees.filter((m) => m.name.includes('社区')).slice(0, 8);
      for (const [ci, m] of communities.entries()) {
        const communityId = `${streetId}-c${ci}`;
        const name = m.name.replace('居委会', '');
        regions.push({ id: communityId, code: `511602${String(c * 10 + si).padStart(3, '0')}${String(ci).padStart(3, '0')}`, level: 'community', name: c ? `${name.replace('社区', '')}${c}社区` : name, parent_id: streetId, center: [sx, sy], geometry: square(sx, sy, 0.01), synthetic_geometry: true, profile: null });
        for (let g = 0; g < gridsPerCommunity; g++) {
          gridCount++;
          const gx = sx + (g % 7) * 0.001;
          const gy = sy + ci * 0.002;
          regions.push({
            id: `${communityId}-g${g}`,
            code: `511602${String(c * 10 + si).padStart(3, '0')}${String(ci).padStart(3, '0')}${String(g).padStart(3, '0')}`,
            level: 'grid',
            name: `${c ? `${name.replace('社区', '')}${c}社区` : name}第${g + 1}网格`,
            parent_id: communityId,
            center: [gx + 0.0005, gy + 0.0005],
            geometry: square(gx, gy, 0.001),
            synthetic_geometry: true,
            profile: {
              leader: '网格长',
              full_time_worker: '专职网格员',
              workforce: 7,
              party_branch: '党支部',
              party_members: 40,
              population: 1200,
              households: 400,
              ledgers: { resident_population: 1200, key_groups: 5, community_resources: 8, special_groups: 3, premises: 20, businesses: 12, hazards: 2 },
              service_lists: { demands: 10, resources: 6, projects: 2 },
              new_in_2022: g === 6,
            },
          });
        }
      }
    }
  }
  void gridCount;
  return { datum: 'GCJ-02', attribution: 'test fixture (synthetic geometry)', regions };
}

export function buildOrganisation(): OrganisationResponse {
  return {
    departments: DEPARTMENTS.map(([name, short], i) => ({ id: `D${String(i + 1).padStart(2, '0')}`, name, short_name: short, enforcement_staff: 20 + i })),
    tasks: [{ code: 'T01', name: '社情民意收集', duty: 'collection' }],
    people: { party_branches: 531, party_members: 13000, full_time_workers: 87, community_workers: 11, public_health_posts: 121, enforcement_staff: 561, volunteer_teams: 277, volunteers: 8900 },
  };
}

/** Builds the cache file. Default spans: the four weeks up to now, the same weeks a year earlier, and the quarters they sit in. */
export function districtCacheFile(options: DistrictOptions = {}): DistrictFixture {
  const scale = options.scale ?? 'district';
  const now = options.now ?? FIXTURE_NOW;
  const spans = options.spans ?? [
    { from: 20251001, to: 20251207 },
    { from: 20260901, to: 20261125 },
  ];
  const rand = mulberry32(options.seed ?? 47);
  const file = options.file ?? path.join(mkdtempSync(path.join(tmpdir(), 'gcc-district-')), 'cache.sqlite');
  const { db } = openCache(file);
  const store = new CacheStore(db);
  const regions = buildDistrictRegions(scale);
  const organisation = buildOrganisation();
  store.applyReference(regions, organisation, { regions: 'r1', organisation: 'o1' });
  store.setSource('http://fixture', true);
  const grids = regions.regions.filter((r) => r.level === 'grid');
  const communityOf = new Map(grids.map((g) => [g.id, g.parent_id!]));
  const volume = scale === 'city' ? grids.length / 297 : 1;
  const deptLateness = organisation.departments.map((_, i) => (i === 3 ? 0.35 : i === 9 ? 0.2 : i === 0 ? 0.12 : 0.03 + (i % 3) * 0.01));
  const communities = [...new Set(communityOf.values())];
  const badCommunities = new Set(communities.filter((_, i) => i % 11 === 4));
  let rev = 0;
  let n = 0;
  const changes: unknown[] = [];
  const flush = () => {
    if (!changes.length) return;
    store.applyChanges(changes.splice(0), { nextRev: rev, headRev: rev }, 'page', now);
  };
  const recentAppealByGrid = new Map<string, string>();
  const breaches: { grid: string; day: number; criterion: SafeCriterion }[] = [];
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  for (const span of spans) {
    for (let day = span.from; day <= span.to; day = addDays(day, 1)) {
      const start = dayStart(day);
      if (start > now) break;
      for (const kind of Object.keys(WEEKLY) as EventKind[]) {
        const expected = (WEEKLY[kind] * volume) / 7;
        const count = Math.floor(expected) + (rand() < expected - Math.floor(expected) ? 1 : 0);
        for (let k = 0; k < count; k++) {
          const reported = start + Math.floor((7 + rand() * 13) * 3600_000);
          if (reported > now) continue;
          const grid = pick(grids);
          const dept = kind === 'service' ? null : Math.floor(rand() * organisation.departments.length);
          const deadline = reported + DEADLINE_DAYS[kind] * 86_400_000;
          const ageDays = (now - reported) / 86_400_000;
          const lateness = dept === null ? 0.05 : deptLateness[dept];
          const closes = rand() < Math.min(0.98, ageDays / (DEADLINE_DAYS[kind] * 0.9));
          const late = rand() < lateness;
          const closedAt = closes ? (late ? deadline + Math.floor((0.5 + rand() * 3) * 86_400_000) : reported + Math.floor(rand() * (deadline - reported))) : null;
          const closed = closedAt !== null && closedAt <= now;
          let criterion: SafeCriterion | null = null;
          if (kind === 'incident' && rand() < 0.35) criterion = pick(SAFE_CRITERIA.filter((c) => c !== 'cult' && c !== 'pyramid'));
          if (criterion) breaches.push({ grid: grid.id, day, criterion });
          const community = communityOf.get(grid.id)!;
          let satisfaction: Event['satisfaction'] = null;
          if (kind === 'appeal' && closed) {
            const u = rand();
            const bad = badCommunities.has(community) ? 0.3 : 0.03;
            satisfaction = u < bad ? 'dissatisfied' : u < bad + 0.1 ? 'basically_satisfied' : 'satisfied';
          }
          n++;
          rev++;
          const id = `E${n}`;
          let repeatOf: string | null = null;
          if (kind === 'appeal') {
            const earlier = recentAppealByGrid.get(grid.id);
            if (earlier && rand() < 0.5) repeatOf = earlier;
            recentAppealByGrid.set(grid.id, id);
          }
          const reporter = kind === 'appeal' || kind === 'dispute' ? { name: `${pick([...SURNAMES])}${pick([...GIVEN])}${pick([...GIVEN])}`, phone: `13${Math.floor(rand() * 10)}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}` } : null;
          const title = pick(TITLES[kind]) + (kind === 'appeal' && n % 97 === 0 ? `，回电13907654321` : '');
          const stages: Event['stages'] = { reported: toShanghaiIso(reported) };
          if (closed || reported + 3600_000 < now) stages.analysed = toShanghaiIso(reported + 3600_000);
          if (closed) stages.closed = toShanghaiIso(closedAt!);
          const event: Event = {
            id,
            rev,
            kind,
            task_code: 'T01',
            criterion,
            severity: criterion ? 'high' : rand() < 0.02 ? 'critical' : 'low',
            source: kind === 'appeal' ? 'hotline_12345' : 'grid_worker',
            grid_id: grid.id,
            location: grid.center,
            title,
            stage: closed ? 'closed' : stages.analysed ? 'analysed' : 'reported',
            stages,
            department_id: dept === null ? null : organisation.departments[dept].id,
            joint: kind === 'appeal' && rand() < 0.06,
            deadline: toShanghaiIso(deadline),
            outcome: closed ? (kind === 'dispute' && rand() < 0.05 ? 'unresolved' : 'resolved') : null,
            satisfaction,
            reporter,
            repeat_of: repeatOf,
          };
          changes.push({ type: 'event', rev, record: event });
          if (changes.length >= 5000) flush();
        }
      }
    }
  }
  // Quarterly evaluations for every quarter before the current one that the spans touch (and the one before it).
  const quarters = new Set<string>();
  for (const s of spans) for (let d = s.from; d <= s.to; d = addDays(d, 28)) quarters.add(periodOfDay(d));
  const nowQuarter = periodOfDay(Number(toShanghaiIso(now).slice(0, 10).replaceAll('-', '')));
  const all = [...quarters];
  for (const q of [...quarters]) {
    const [y, qq] = [Number(q.slice(0, 4)), Number(q.slice(6))];
    all.push(qq === 1 ? `${y - 1}-Q4` : `${y}-Q${qq - 1}`);
  }
  for (const q of [...new Set(all)].filter((q) => q < nowQuarter).sort()) {
    const range = periodRange(q);
    for (const [i, g] of grids.entries()) {
      const broken = [...new Set(breaches.filter((b) => b.grid === g.id && b.day >= range.from && b.day <= range.to).map((b) => b.criterion))];
      // Some grids never earned the title; the rest hold it unless broken (and a few lost it last quarter).
      const titled = i % 4 !== 0;
      const safe = titled && broken.length === 0 && !(q === '2026-Q3' && i % 37 === 1);
      rev++;
      const evaluation: SafeGridEvaluation = { id: `V-${q}-${g.id}`, rev, grid_id: g.id, period: q, safe, broken: safe ? [] : broken.length ? broken : titled ? ['crime'] : [], evaluated_at: toShanghaiIso(dayStart(addDays(range.to, 1)) + 9 * 3600_000) };
      changes.push({ type: 'evaluation', rev, record: evaluation });
      if (changes.length >= 5000) flush();
    }
  }
  flush();
  db.close();
  return { file, regions, organisation, events: n };
}
