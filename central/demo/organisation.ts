/**
 * The people and the duties of the grid system: the 16 departments on the 12345 platform (with the 561
 * enforcement staff sent down to the grids), the 46 tasks in 5 duty categories, the per-grid profiles and the
 * district's people counts, all from the seed article.
 */
import type { Department, DutyTask, OrganisationResponse } from '../../shared/api/schemas';
import type { Geography } from './geography';
import { personName } from './names';
import { apportion, hash2, hashString, Rng } from './prng';

export const DEPARTMENTS: { id: string; name: string; short_name: string; staff: number }[] = [
  { id: 'D01', name: '广安区综合行政执法局', short_name: '综合执法局', staff: 128 },
  { id: 'D02', name: '广安区市场监督管理局', short_name: '市场监管局', staff: 78 },
  { id: 'D03', name: '广安市公安局广安区分局', short_name: '公安分局', staff: 85 },
  { id: 'D04', name: '广安区住房和城乡建设局', short_name: '住建局', staff: 30 },
  { id: 'D05', name: '广安区民政局', short_name: '民政局', staff: 18 },
  { id: 'D06', name: '广安区司法局', short_name: '司法局', staff: 22 },
  { id: 'D07', name: '广安区人力资源和社会保障局', short_name: '人社局', staff: 16 },
  { id: 'D08', name: '广安区卫生健康局', short_name: '卫健局', staff: 32 },
  { id: 'D09', name: '广安区应急管理局', short_name: '应急管理局', staff: 28 },
  { id: 'D10', name: '广安市生态环境局广安区分局', short_name: '生态环境分局', staff: 20 },
  { id: 'D11', name: '广安区交通运输局', short_name: '交通运输局', staff: 24 },
  { id: 'D12', name: '广安区教育局', short_name: '教育局', staff: 12 },
  { id: 'D13', name: '广安市自然资源和规划局广安区分局', short_name: '自然资源分局', staff: 18 },
  { id: 'D14', name: '广安区信访局', short_name: '信访局', staff: 10 },
  { id: 'D15', name: '广安区消防救援大队', short_name: '消防救援大队', staff: 26 },
  { id: 'D16', name: '广安区水务局', short_name: '水务局', staff: 14 },
];
export const DEPT_INDEX: Record<string, number> = Object.fromEntries(DEPARTMENTS.map((d, i) => [d.short_name, i]));

/** The 46 tasks; the first of several categories are the six the article names. */
export const TASKS: DutyTask[] = [
  // 信息采集
  { code: 'CJ01', name: '社情民意收集', duty: 'collection' },
  { code: 'CJ02', name: '实有人口信息采集', duty: 'collection' },
  { code: 'CJ03', name: '房屋信息核查', duty: 'collection' },
  { code: 'CJ04', name: '重点人群信息登记', duty: 'collection' },
  { code: 'CJ05', name: '社区资源摸排', duty: 'collection' },
  { code: 'CJ06', name: '单位门店信息采集', duty: 'collection' },
  { code: 'CJ07', name: '流动人口登记', duty: 'collection' },
  { code: 'CJ08', name: '民生诉求收集', duty: 'collection' },
  { code: 'CJ09', name: '人房事地物情月度走访', duty: 'collection' },
  // 信息上报
  { code: 'SB01', name: '突发事件信息报送', duty: 'reporting' },
  { code: 'SB02', name: '安全隐患上报', duty: 'reporting' },
  { code: 'SB03', name: '矛盾纠纷信息上报', duty: 'reporting' },
  { code: 'SB04', name: '重点人员动态报告', duty: 'reporting' },
  { code: 'SB05', name: '城市管理问题上报', duty: 'reporting' },
  { code: 'SB06', name: '舆情信息上报', duty: 'reporting' },
  { code: 'SB07', name: '公共卫生信息报告', duty: 'reporting' },
  { code: 'SB08', name: '环境污染问题上报', duty: 'reporting' },
  // 事件处置
  { code: 'CZ01', name: '矛盾纠纷调处', duty: 'handling' },
  { code: 'CZ02', name: '突发事件先期处置', duty: 'handling' },
  { code: 'CZ03', name: '城市管理问题处置', duty: 'handling' },
  { code: 'CZ04', name: '邻里纠纷化解', duty: 'handling' },
  { code: 'CZ05', name: '物业纠纷协调', duty: 'handling' },
  { code: 'CZ06', name: '劳资纠纷协调', duty: 'handling' },
  { code: 'CZ07', name: '婚姻家庭纠纷调解', duty: 'handling' },
  { code: 'CZ08', name: '噪音扰民处置', duty: 'handling' },
  { code: 'CZ09', name: '占道经营劝导', duty: 'handling' },
  { code: 'CZ10', name: '违章搭建劝阻', duty: 'handling' },
  // 为民服务
  { code: 'FW01', name: '特殊人群服务', duty: 'service' },
  { code: 'FW02', name: '法律政策宣传', duty: 'service' },
  { code: 'FW03', name: '困难群众帮扶', duty: 'service' },
  { code: 'FW04', name: '独居老人探访', duty: 'service' },
  { code: 'FW05', name: '残疾人服务', duty: 'service' },
  { code: 'FW06', name: '留守儿童关爱', duty: 'service' },
  { code: 'FW07', name: '就业创业服务', duty: 'service' },
  { code: 'FW08', name: '社保医保代办', duty: 'service' },
  { code: 'FW09', name: '便民代办服务', duty: 'service' },
  { code: 'FW10', name: '微心愿收集认领', duty: 'service' },
  // 平安建设
  { code: 'PA01', name: '安全隐患排查', duty: 'safety' },
  { code: 'PA02', name: '治安巡防开展', duty: 'safety' },
  { code: 'PA03', name: '消防安全检查', duty: 'safety' },
  { code: 'PA04', name: '防范电信诈骗宣传', duty: 'safety' },
  { code: 'PA05', name: '反邪教宣传', duty: 'safety' },
  { code: 'PA06', name: '禁毒宣传', duty: 'safety' },
  { code: 'PA07', name: '道路交通安全劝导', duty: 'safety' },
  { code: 'PA08', name: '出租房屋安全检查', duty: 'safety' },
  { code: 'PA09', name: '防汛防地灾巡查', duty: 'safety' },
];

/** District-scale people counts from the article (city scale multiplies them). */
export const PEOPLE = {
  party_branches: 531,
  full_time_workers: 87,
  community_workers: 11,
  public_health_posts: 121,
  enforcement_staff: 561,
  volunteer_teams: 277,
};

export interface GridProfileData {
  leader: string;
  full_time_worker: string;
  full_time_worker_recruited: boolean;
  workforce: number;
  party_branch: string;
  party_branches: number;
  party_members: number;
  population: number;
  households: number;
  ledgers: {
    resident_population: number;
    key_groups: number;
    community_resources: number;
    special_groups: number;
    premises: number;
    businesses: number;
    hazards: number;
  };
  service_lists: { demands: number; resources: number; projects: number };
  new_in_2022: boolean;
}

export interface Organisation {
  response: OrganisationResponse;
  profiles: GridProfileData[];
  /** Per-street multipliers per event type (street-by-street differences). */
  streetFactor: number[][];
  /** Per-street skew of unhappy ratings, and per-department skew of lateness. */
  streetDiscontent: number[];
  departmentLateness: number[];
}

export function buildOrganisation(seed: number, geo: Geography): Organisation {
  const rng = new Rng(seed ^ hashString('organisation'));
  const n = geo.grids.length;
  const scale = n / 297;
  const people = {
    party_branches: Math.round(PEOPLE.party_branches * scale),
    full_time_workers: Math.round(PEOPLE.full_time_workers * scale),
    community_workers: Math.round(PEOPLE.community_workers * scale),
    public_health_posts: Math.round(PEOPLE.public_health_posts * scale),
    enforcement_staff: Math.round(PEOPLE.enforcement_staff * scale),
    volunteer_teams: Math.round(PEOPLE.volunteer_teams * scale),
  };
  // "1.3万余名党员", "8900余名志愿者": land somewhere in the stated band, seeded.
  const partyMembersTotal = Math.round((13000 + rng.between(60, 900)) * scale);
  const volunteers = Math.round((8900 + rng.between(5, 95)) * scale);

  const populations = geo.grids.map((g) => Math.round((1050 + 650 * rng.next()) * (g.centrality < 2.5 ? 1.15 : 1)));
  const partyMembers = apportion(
    partyMembersTotal,
    populations.map((p) => p * rng.spread(0.25)),
  );
  const branchesExtra = apportion(
    people.party_branches - n,
    populations.map((p) => p * rng.spread(0.4)),
  );
  const demands = apportion(
    Math.round((13000 + rng.between(20, 380)) * scale),
    populations.map((p) => p * rng.spread(0.3)),
  );
  const projects = apportion(
    Math.round(107 * scale),
    populations.map(() => rng.spread(0.6)),
  );

  // Every grid has a full-time worker (one per grid is the standard); the 87 recruited in 2022 went to the 85 new
  // grids and to vacancies in old ones.
  const recruited = new Set<number>();
  geo.grids.forEach((g, i) => {
    if (g.newIn2022 && recruited.size < people.full_time_workers) recruited.add(i);
  });
  for (let k = 0; recruited.size < people.full_time_workers && k < n * 4; k++) recruited.add(hash2(seed, k) % n);

  const profiles: GridProfileData[] = geo.grids.map((g, i) => {
    const r = new Rng(hash2(seed ^ 0x6a09e667, i));
    const pop = populations[i];
    const branches = 1 + branchesExtra[i];
    return {
      leader: personName(hash2(seed ^ 0x1f83d9ab, i)),
      full_time_worker: personName(hash2(seed ^ 0x5be0cd19, i)),
      full_time_worker_recruited: recruited.has(i),
      workforce: r.between(6, 8),
      party_branch: `${g.name}党支部`,
      party_branches: branches,
      party_members: partyMembers[i],
      population: pop,
      households: Math.round(pop / r.range(2.45, 2.85)),
      ledgers: {
        resident_population: pop,
        key_groups: Math.round(pop * r.range(0.008, 0.03)),
        community_resources: r.between(8, 42),
        special_groups: r.between(4, 26),
        premises: r.between(9, 64),
        businesses: Math.round(r.between(6, 40) * (g.centrality < 3 ? 2.5 : 1)),
        hazards: r.between(1, 18),
      },
      service_lists: { demands: demands[i], resources: r.between(10, 42), projects: projects[i] },
      new_in_2022: g.newIn2022,
    };
  });

  const staff = apportion(
    people.enforcement_staff,
    DEPARTMENTS.map((d) => d.staff),
  );
  const departments: Department[] = DEPARTMENTS.map((d, i) => ({ id: d.id, name: d.name, short_name: d.short_name, enforcement_staff: staff[i] }));

  const streetFactor = geo.streets.map(() => Array.from({ length: 11 }, () => rng.spread(0.28)));
  const streetDiscontent = geo.streets.map(() => rng.spread(0.6));
  const departmentLateness = DEPARTMENTS.map(() => rng.spread(0.6));

  return {
    response: {
      departments,
      tasks: TASKS,
      people: {
        party_branches: profiles.reduce((a, p) => a + p.party_branches, 0),
        party_members: profiles.reduce((a, p) => a + p.party_members, 0),
        full_time_workers: people.full_time_workers,
        community_workers: people.community_workers,
        public_health_posts: people.public_health_posts,
        enforcement_staff: people.enforcement_staff,
        volunteer_teams: people.volunteer_teams,
        volunteers,
      },
    },
    profiles,
    streetFactor,
    streetDiscontent,
    departmentLateness,
  };
}
