/**
 * 网格基础信息表: one grid a row → its GridProfile, merged into the region tree (which is written whole).
 *
 * An empty cell keeps what the grid's profile already says, so a sheet with only some columns (say, this month's
 * ledger counts) updates those. A grid without a profile yet gets 0 for what is empty (网格工作力量 1, the least
 * the contract allows; names empty; 是/否 columns 否), with one warning naming those columns. 常住人口台账 defaults to 常住人口.
 */
import { GridProfile } from '../../../shared/api/schemas';
import type { FieldSpec, TableTemplate, TabularSource } from '../types';
import { findGrid, RowMapper } from './common';

type Profile = GridProfile;
type Ledgers = Profile['ledgers'];
type Lists = Profile['service_lists'];

const count = (key: string, header: string, example: number, synonyms: string[] = [], note?: string): FieldSpec => ({
  key,
  header,
  synonyms,
  type: 'integer',
  example,
  ...(note ? { note } : {}),
});

/** The seven ledgers: field key → profile key. */
const LEDGERS: [field: string, key: keyof Ledgers, header: string, synonyms: string[], example: number][] = [
  ['ledger_residents', 'resident_population', '常住人口台账', ['常住人口台账数'], 1380],
  ['ledger_key_groups', 'key_groups', '重点人群台账', ['重点人群台账数'], 24],
  ['ledger_resources', 'community_resources', '社区资源台账', ['社区资源台账数'], 21],
  ['ledger_special_groups', 'special_groups', '特殊人群台账', ['特殊人群台账数'], 12],
  ['ledger_premises', 'premises', '房屋（楼栋）台账', ['房屋(楼栋)台账', '房屋台账', '楼栋台账'], 36],
  ['ledger_businesses', 'businesses', '单位（门店）台账', ['单位(门店)台账', '单位台账', '门店台账'], 28],
  ['ledger_hazards', 'hazards', '安全隐患台账', ['隐患台账', '安全隐患台账数'], 6],
];
const LISTS: [field: string, key: keyof Lists, header: string, synonyms: string[], example: number][] = [
  ['list_demands', 'demands', '服务需求', ['服务需求清单', '服务需求数'], 45],
  ['list_resources', 'resources', '服务资源', ['服务资源清单', '服务资源数'], 22],
  ['list_projects', 'projects', '服务项目', ['服务项目清单', '服务项目数'], 1],
];

export const GRID_INFO_TEMPLATE: TableTemplate = {
  source: 'grid-info',
  title: '网格基础信息表',
  sheet: '网格基础信息',
  fields: [
    {
      key: 'grid',
      header: '网格',
      synonyms: ['网格名称', '网格编码', '所属网格'],
      type: 'text',
      required: true,
      example: '翠屏路社区第3网格',
      note: '网格名称或网格编码',
    },
    { key: 'leader', header: '网格长', synonyms: ['网格长姓名'], type: 'text', personal: true, example: '王建国', note: '个人信息' },
    { key: 'worker', header: '专职网格员', synonyms: ['专职网格员姓名', '网格员'], type: 'text', personal: true, example: '李晓梅', note: '个人信息' },
    {
      key: 'recruited',
      header: '专职网格员是否公开招聘',
      synonyms: ['公开招聘', '2022年公开招聘', '是否公开招聘'],
      type: 'boolean',
      example: '否',
      note: '是/否：2022年公开招聘的专职网格员',
    },
    count('workforce', '网格工作力量', 7, ['工作力量', '网格力量'], '在本网格工作的人数，至少 1'),
    {
      key: 'party_branch',
      header: '党支部',
      synonyms: ['网格党支部', '网格（小区）党支部', '网格(小区)党支部', '党支部名称'],
      type: 'text',
      example: '翠屏路社区第3网格党支部',
    },
    count('party_branches', '党支部数', 2, ['网格党支部数', '党支部个数'], '至少 1'),
    count('party_members', '党员数', 46, ['党员人数', '党员']),
    count('population', '常住人口', 1380, ['人口', '常住人口数', '人口数']),
    count('households', '户数', 512, ['常住户数', '住户数']),
    ...LEDGERS.map(([field, , header, synonyms, example]) => count(field, header, example, synonyms, '台账条数')),
    ...LISTS.map(([field, , header, synonyms, example]) => count(field, header, example, synonyms, '清单条数')),
    { key: 'new_in_2022', header: '2022年新增网格', synonyms: ['是否2022年新增', '新增网格', '是否新增网格'], type: 'boolean', example: '否', note: '是/否' },
  ],
};

const EMPTY: Profile = {
  leader: '',
  full_time_worker: '',
  workforce: 1,
  party_branch: '',
  party_members: 0,
  population: 0,
  households: 0,
  ledgers: { resident_population: 0, key_groups: 0, community_resources: 0, special_groups: 0, premises: 0, businesses: 0, hazards: 0 },
  service_lists: { demands: 0, resources: 0, projects: 0 },
  new_in_2022: false,
};

export const gridInfo: TabularSource = {
  name: 'grid-info',
  template: GRID_INFO_TEMPLATE,
  sourceName: 'excel:网格基础信息',
  map(row, ctx) {
    const m = new RowMapper(row, GRID_INFO_TEMPLATE, ctx);
    const grid = findGrid(m, 'grid');
    const base = grid?.profile ?? null;
    const profile: Profile = structuredClone(base ?? EMPTY);
    /** Columns empty for a grid that has no profile to keep from. */
    const missing: string[] = [];
    const take = <T>(key: string, value: T | null, set: (v: T) => void) => {
      if (value !== null) set(value);
      else if (!base && !m.unreadable(key)) missing.push(m.header(key));
    };
    const whole = (key: string, least: number): number | null => {
      const n = m.number(key);
      if (n === null) return null;
      if (!Number.isInteger(n) || n < least) {
        m.error(key, `“${m.header(key)}”应为不小于 ${least} 的整数，这里是 ${n}：请改正。`);
        return null;
      }
      return n;
    };

    take('leader', m.text('leader'), (v) => (profile.leader = v));
    take('worker', m.text('worker'), (v) => (profile.full_time_worker = v));
    const recruited = m.boolean('recruited');
    if (recruited !== null) profile.full_time_worker_recruited = recruited;
    take('workforce', whole('workforce', 1), (v) => (profile.workforce = v));
    take('party_branch', m.text('party_branch'), (v) => (profile.party_branch = v));
    const branches = whole('party_branches', 1);
    if (branches !== null) profile.party_branches = branches;
    take('party_members', whole('party_members', 0), (v) => (profile.party_members = v));
    const population = whole('population', 0);
    take('population', population, (v) => (profile.population = v));
    take('households', whole('households', 0), (v) => (profile.households = v));
    for (const [field, key] of LEDGERS) {
      const n = whole(field, 0) ?? (key === 'resident_population' && !base ? population : null);
      take(field, n, (v) => (profile.ledgers[key] = v));
    }
    for (const [field, key] of LISTS) take(field, whole(field, 0), (v) => (profile.service_lists[key] = v));
    take('new_in_2022', m.boolean('new_in_2022'), (v) => (profile.new_in_2022 = v));

    if (!grid || m.failed) return m.result([]);
    if (missing.length)
      m.warning(
        undefined,
        `网格“${grid.name}”还没有基础信息，以下各项为空，人数按 0、网格工作力量按 1、是否项按“否”、姓名留空：${missing.join('、')}。请补填后重新导入。`,
      );
    const checked = GridProfile.safeParse(profile);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      m.error(undefined, `网格“${grid.name}”的基础信息不完整（${issue.path.join('.')}：${issue.message}）：请核对这一行。`);
      return m.result([]);
    }
    return m.result([], [{ gridId: grid.id, profile: checked.data }]);
  },
};
