/**
 * The tabular sources: what a row of each ledger or export becomes. Rows are made as the table reader makes them
 * (the template's example row is read with the reader's own readField), then changed cell by cell.
 */
import { describe, expect, it } from 'vitest';
import type { OrganisationResponse, Region, RegionsResponse } from '../../shared/api/schemas';
import { GridProfile } from '../../shared/api/schemas';
import { WRITE_RECORD_SCHEMAS } from '../../shared/api/writes';
import { DEPARTMENTS, TASKS } from '../../central/demo/organisation';
import { buildRegionIndex } from '../../central/import/regions-index';
import { TABULAR_SOURCES } from '../../central/import/sources';
import { parsePeriod } from '../../central/import/sources/safe-grids';
import { readField } from '../../central/import/table/field';
import type { CellValue, MapContext, MappedRow, OutgoingRecord, ParsedRow, Problem, TabularSource } from '../../central/import/types';

// ---- a small district ----------------------------------------------------------------------------------------

type Box = [number, number, number, number];

function region(id: string, level: Region['level'], name: string, parent: string | null, [x0, y0, x1, y1]: Box, profile: GridProfile | null = null): Region {
  return {
    id,
    code: id,
    level,
    name,
    parent_id: parent,
    center: [(x0 + x1) / 2, (y0 + y1) / 2],
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ],
      ],
    },
    synthetic_geometry: true,
    profile,
  };
}

const PROFILE: GridProfile = {
  leader: '赵刚',
  full_time_worker: '孙丽',
  full_time_worker_recruited: true,
  workforce: 6,
  party_branch: '翠屏路社区第2网格党支部',
  party_branches: 1,
  party_members: 40,
  population: 1200,
  households: 450,
  ledgers: { resident_population: 1200, key_groups: 20, community_resources: 15, special_groups: 9, premises: 30, businesses: 22, hazards: 4 },
  service_lists: { demands: 40, resources: 18, projects: 1 },
  new_in_2022: false,
};

const TREE: RegionsResponse = {
  datum: 'GCJ-02',
  attribution: 'test',
  regions: [
    region('511602', 'district', '广安区', null, [106, 30, 107, 31]),
    region('511602001', 'street', '浓洄街道', '511602', [106, 30, 107, 31]),
    region('511602001001', 'community', '翠屏路社区', '511602001', [106, 30, 106.5, 31]),
    region('511602001002', 'community', '厚街社区', '511602001', [106.5, 30, 107, 31]),
    region('511602001001001', 'grid', '翠屏路社区第1网格', '511602001001', [106, 30, 106.1, 30.1]),
    region('511602001001002', 'grid', '翠屏路社区第2网格', '511602001001', [106.1, 30, 106.2, 30.1], PROFILE),
    region('511602001001003', 'grid', '翠屏路社区第3网格', '511602001001', [106.2, 30, 106.3, 30.1]),
    region('511602001002001', 'grid', '厚街社区第1网格', '511602001002', [106.5, 30, 106.6, 30.1]),
  ],
};
const GRID3 = '511602001001003';

const ORGANISATION: OrganisationResponse = {
  departments: DEPARTMENTS.map((d) => ({ id: d.id, name: d.name, short_name: d.short_name, enforcement_staff: d.staff })),
  tasks: TASKS,
  people: {
    party_branches: 0,
    party_members: 0,
    full_time_workers: 0,
    community_workers: 0,
    public_health_posts: 0,
    enforcement_staff: 0,
    volunteer_teams: 0,
    volunteers: 0,
  },
};

function context(over: Partial<MapContext> = {}): MapContext {
  return { regions: buildRegionIndex(TREE), organisation: ORGANISATION, source: 'test', now: () => Date.parse('2023-12-31T00:00:00+08:00'), ...over };
}

// ---- rows as the reader makes them --------------------------------------------------------------------------

type Cells = Record<string, string | number | boolean | null>;

/** A row read from cells as written, through the reader's own field reading. */
function rowOf(source: TabularSource, written: Cells, rowNumber = 5): ParsedRow {
  const fields = new Map(source.template.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(written)) if (!fields.has(key)) throw new Error(`no field ${key} in ${source.name}`);
  const values: Record<string, CellValue> = Object.fromEntries(source.template.fields.map((f) => [f.key, null]));
  const raw: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [key, cell] of Object.entries(written)) {
    const field = fields.get(key)!;
    raw[key] = cell === null ? '' : String(cell);
    if (cell === null || cell === '') {
      if (field.required)
        problems.push({ severity: 'error', sheet: source.template.sheet, row: rowNumber, column: field.header, message: 'required (reader)' });
      continue;
    }
    const reading = readField(cell, field);
    values[key] = reading.value;
    if (reading.reason) problems.push({ severity: 'error', sheet: source.template.sheet, row: rowNumber, column: field.header, message: reading.reason });
  }
  return { sheet: source.template.sheet, row: rowNumber, values, raw, problems };
}

/** The template's example row, with some cells changed. */
function exampleRow(source: TabularSource, changes: Cells = {}, rowNumber = 5): ParsedRow {
  const cells: Cells = Object.fromEntries(source.template.fields.map((f) => [f.key, f.example]));
  return rowOf(source, { ...cells, ...changes }, rowNumber);
}

function map(source: TabularSource, row: ParsedRow, ctx = context()): MappedRow {
  expect(row.problems).toEqual([]);
  return source.map(row, ctx);
}

/** The one record of a row, checked against the write API's schema for its type. */
function onlyRecord(mapped: MappedRow): OutgoingRecord['record'] & Record<string, unknown> {
  expect(mapped.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(mapped.records).toHaveLength(1);
  const [out] = mapped.records;
  const parsed = WRITE_RECORD_SCHEMAS[out.type].safeParse(out.record);
  expect(parsed.success ? null : parsed.error.issues).toBeNull();
  return out.record as OutgoingRecord['record'] & Record<string, unknown>;
}

function errorsOf(mapped: MappedRow): Problem[] {
  return mapped.problems.filter((p) => p.severity === 'error');
}
function warningsOf(mapped: MappedRow): Problem[] {
  return mapped.problems.filter((p) => p.severity === 'warning');
}

const { disputes, hazards, hotline, services } = TABULAR_SOURCES;
const safeGrids = TABULAR_SOURCES['safe-grids'];
const gridInfo = TABULAR_SOURCES['grid-info'];

// ---- templates -------------------------------------------------------------------------------------------------

describe('templates', () => {
  it.each(Object.entries(TABULAR_SOURCES))('%s: names its source, has unique keys and headers, and an example row the reader reads', (name, source) => {
    expect(source.name).toBe(name);
    expect(source.template.source).toBe(name);
    expect(source.template.title).toBeTruthy();
    expect(source.template.sheet).toBeTruthy();
    expect(source.sourceName.length).toBeLessThanOrEqual(100);
    const keys = source.template.fields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    const headers = source.template.fields.flatMap((f) => [f.header, ...(f.synonyms ?? [])]);
    expect(new Set(headers).size).toBe(headers.length);
    for (const f of source.template.fields) {
      if (f.type === 'enum') expect(f.options).toContain(f.example);
      if (f.required) expect(f.example).not.toBe('');
      for (const meant of Object.values(f.optionSynonyms ?? {})) expect(f.options).toContain(meant);
    }
    expect(exampleRow(source).problems).toEqual([]);
  });

  it('marks the personal columns', () => {
    const personal = (s: TabularSource) => s.template.fields.filter((f) => f.personal).map((f) => f.header);
    expect(personal(hotline)).toEqual(['诉求人', '联系电话']);
    expect(personal(disputes)).toEqual(['当事人', '联系电话']);
    expect(personal(gridInfo)).toEqual(['网格长', '专职网格员']);
  });
});

// ---- 矛盾纠纷 ----------------------------------------------------------------------------------------------------

describe('disputes', () => {
  it('maps the example row to a closed dispute', () => {
    const e = onlyRecord(map(disputes, exampleRow(disputes)));
    expect(e).toMatchObject({
      id: 'disputes:2023-0012',
      kind: 'dispute',
      task_code: 'CZ04', // 邻里纠纷化解
      criterion: null,
      severity: 'low',
      source: 'grid_worker',
      grid_id: GRID3,
      location: [106.25, 30.05],
      stage: 'closed',
      stages: { reported: '2023-03-05T09:30:00+08:00', dispatched: '2023-03-05T09:30:00+08:00', closed: '2023-03-08T16:00:00+08:00' },
      department_id: 'D06', // 区司法局 → 广安区司法局
      joint: false,
      deadline: '2023-03-20T23:59:59+08:00',
      outcome: 'resolved',
      satisfaction: null,
      reporter: { name: '张明、李华', phone: '13812345678' },
      repeat_of: null,
    });
  });

  it('gives a row without a number an id that stays when the case goes on, and changes with what identifies it', () => {
    const open = exampleRow(disputes, { number: null, status: '化解中', closed_at: null, unit: null, level: '一般' });
    const first = onlyRecord(map(disputes, open));
    expect(first.id).toMatch(/^disputes:[0-9a-z]+$/);
    expect(first.id.length).toBeLessThanOrEqual(64);
    expect(first.stage).toBe('reported');
    const later = onlyRecord(
      map(
        disputes,
        exampleRow(disputes, { number: null, status: '已化解', closed_at: '2023-03-09 10:00', unit: '司法局', level: '较大', deadline: '2023-04-01' }),
      ),
    );
    expect(later.id).toBe(first.id);
    expect(later.stage).toBe('closed');
    expect(later.severity).toBe('medium');
    // The type written as a synonym is the same type.
    expect(onlyRecord(map(disputes, exampleRow(disputes, { number: null, type: '邻里矛盾' }))).id).toBe(first.id);
    expect(onlyRecord(map(disputes, exampleRow(disputes, { number: null, text: '另一起纠纷' }))).id).not.toBe(first.id);
    expect(onlyRecord(map(disputes, exampleRow(disputes, { number: null, found_at: '2023-03-06 09:30' }))).id).not.toBe(first.id);
    expect(onlyRecord(map(disputes, exampleRow(disputes, { number: null, grid: '翠屏路社区第1网格' }))).id).not.toBe(first.id);
  });

  it('keeps the id of a numbered row when its other cells change', () => {
    const a = onlyRecord(map(disputes, exampleRow(disputes, { text: '改写过的情况' })));
    expect(a.id).toBe('disputes:2023-0012');
    expect(onlyRecord(map(disputes, exampleRow(disputes, { number: '２０２３-００１２' }))).id).toBe('disputes:2023-0012');
  });

  it('names an unknown grid with its row, column and value, and offers the nearest names', () => {
    const mapped = map(disputes, exampleRow(disputes, { grid: '翠平路社区第3网格' }, 12));
    expect(mapped.records).toEqual([]);
    const [problem] = errorsOf(mapped);
    expect(problem).toMatchObject({ severity: 'error', sheet: '矛盾纠纷台账', row: 12, column: '网格', value: '翠平路社区第3网格' });
    expect(problem.message).toContain('没有名为“翠平路社区第3网格”的网格，是否是：翠屏路社区第3网格、');
    expect(problem.message).toContain('？');
  });

  it('says a name several grids share is not precise enough', () => {
    const [problem] = errorsOf(map(disputes, exampleRow(disputes, { grid: '第1网格' })));
    expect(problem.message).toContain('对应不止一个网格');
  });

  it('refuses every row while there is no region tree', () => {
    const [problem] = errorsOf(map(disputes, exampleRow(disputes), context({ regions: buildRegionIndex(null) })));
    expect(problem.message).toContain('请先导入网格边界');
  });

  it('refuses a closing time before the reported time', () => {
    const mapped = map(disputes, exampleRow(disputes, { closed_at: '2023-03-04 18:00' }));
    expect(mapped.records).toEqual([]);
    const [problem] = errorsOf(mapped);
    expect(problem).toMatchObject({ column: '化解时间', value: '2023-03-04 18:00' });
    expect(problem.message).toContain('化解时间早于发现时间');
  });

  it('takes a closing date without a time on the reported day as closed that day', () => {
    const e = onlyRecord(map(disputes, exampleRow(disputes, { closed_at: '2023-03-05' })));
    expect(e.stages).toMatchObject({ reported: '2023-03-05T09:30:00+08:00', closed: '2023-03-05T09:30:00+08:00' });
  });

  it('keeps a case open, with a warning, when the status and the closing time disagree', () => {
    const inProgress = map(disputes, exampleRow(disputes, { status: '化解中' }));
    expect(onlyRecord(inProgress)).toMatchObject({ stage: 'dispatched', outcome: null });
    expect(warningsOf(inProgress)[0].message).toContain('化解中');
    const noTime = map(disputes, exampleRow(disputes, { closed_at: null }));
    expect(onlyRecord(noTime).stage).toBe('dispatched');
    expect(warningsOf(noTime)[0]).toMatchObject({ column: '化解时间' });
    expect(warningsOf(noTime)[0].message).toContain('请补填化解时间');
  });

  it('closes an unsolved dispute as unresolved, and leaves an open one without a unit at reported', () => {
    expect(onlyRecord(map(disputes, exampleRow(disputes, { status: '调解不成功' })))).toMatchObject({ stage: 'closed', outcome: 'unresolved' });
    const open = onlyRecord(map(disputes, exampleRow(disputes, { status: null, closed_at: null, unit: null })));
    expect(open).toMatchObject({ stage: 'reported', stages: { reported: '2023-03-05T09:30:00+08:00' }, department_id: null, outcome: null });
    expect(open.stages).not.toHaveProperty('dispatched');
  });

  it('sets the deadline 15 days after the report when the row has none', () => {
    expect(onlyRecord(map(disputes, exampleRow(disputes, { deadline: null }))).deadline).toBe('2023-03-20T09:30:00+08:00');
    const early = map(disputes, exampleRow(disputes, { deadline: '2023-03-01' }));
    expect(onlyRecord(early).deadline).toBe('2023-03-20T09:30:00+08:00');
    expect(warningsOf(early)[0].column).toBe('化解期限');
  });

  it('maps the type to its task, the level to severity, several units to a joint case', () => {
    expect(onlyRecord(map(disputes, exampleRow(disputes, { type: '婚姻家庭纠纷' }))).task_code).toBe('CZ07');
    expect(onlyRecord(map(disputes, exampleRow(disputes, { type: '土地承包' }))).task_code).toBe('CZ01');
    expect(onlyRecord(map(disputes, exampleRow(disputes, { level: '重大' }))).severity).toBe('high');
    expect(onlyRecord(map(disputes, exampleRow(disputes, { unit: '司法局、人社局' })))).toMatchObject({ joint: true, department_id: 'D06' });
    expect(onlyRecord(map(disputes, exampleRow(disputes, { joint: '是' }))).joint).toBe(true);
    // A local unit (not one of the 16 departments): dispatched, no department, no warning.
    const local = map(disputes, exampleRow(disputes, { unit: '浓洄街道司法所' }));
    expect(onlyRecord(local)).toMatchObject({ department_id: null, stages: { dispatched: '2023-03-05T09:30:00+08:00' } });
    expect(local.problems).toEqual([]);
  });

  it('falls back to fixed task codes without an organisation', () => {
    const e = onlyRecord(map(disputes, exampleRow(disputes, { type: '物业纠纷' }), context({ organisation: null })));
    expect(e).toMatchObject({ task_code: 'CZ05', department_id: null });
  });

  it('uses the row’s point when it lies in the grid, else the centre with a warning', () => {
    expect(onlyRecord(map(disputes, exampleRow(disputes, { lon: 106.21, lat: 30.02 }))).location).toEqual([106.21, 30.02]);
    const outside = map(disputes, exampleRow(disputes, { lon: 106.05, lat: 30.02 }));
    expect(onlyRecord(outside).location).toEqual([106.25, 30.05]);
    expect(warningsOf(outside)[0].message).toContain('不在网格“翠屏路社区第3网格”内');
  });

  it('does not use half a point or one off the globe', () => {
    const half = map(disputes, exampleRow(disputes, { lon: 106.21 }));
    expect(onlyRecord(half).location).toEqual([106.25, 30.05]);
    expect(warningsOf(half)[0]).toMatchObject({ column: '纬度' });
    expect(warningsOf(half)[0].message).toContain('只填了经度');
    const swapped = map(disputes, exampleRow(disputes, { lon: 30.02, lat: 106.21 }));
    expect(onlyRecord(swapped).location).toEqual([106.25, 30.05]);
    expect(warningsOf(swapped)[0].message).toContain('不是有效的经纬度');
  });

  it('keeps personal data in the reporter only', () => {
    const row = exampleRow(disputes, { text: '张明与李华因漏水争执，张明电话13812345678，另留座机0826-2345678' });
    const e = onlyRecord(map(disputes, row));
    expect(e.reporter).toEqual({ name: '张明、李华', phone: '13812345678' });
    const { reporter: _reporter, ...rest } = e;
    const text = JSON.stringify(rest);
    for (const personal of ['张明', '李华', '13812345678', '2345678']) expect(text).not.toContain(personal);
    expect(e.title).toBe('张某与李某因漏水争执，张某电话***，另留座机***');
    expect(onlyRecord(map(disputes, exampleRow(disputes, { parties: null, phone: null }))).reporter).toBeNull();
  });

  it('warns about a case found in the future', () => {
    expect(warningsOf(map(disputes, exampleRow(disputes, { found_at: '2033-03-05 09:30', closed_at: null })))[0].message).toContain('请核对年份');
  });

  it('makes no record of a row whose required cells the reader could not read', () => {
    const row = exampleRow(disputes, { found_at: null });
    expect(row.problems).toHaveLength(1);
    expect(disputes.map(row, context()).records).toEqual([]);
  });
});

// ---- 安全隐患 ----------------------------------------------------------------------------------------------------

describe('hazards', () => {
  it('maps the example row to a closed hazard', () => {
    const e = onlyRecord(map(hazards, exampleRow(hazards)));
    expect(e).toMatchObject({
      id: 'hazards:YH-2023-0031',
      kind: 'hazard',
      task_code: 'PA03', // 消防安全检查
      source: 'grid_worker',
      grid_id: GRID3,
      stage: 'closed',
      department_id: 'D15', // 消防救援大队
      outcome: 'resolved',
      deadline: '2023-04-18T23:59:59+08:00',
      reporter: null,
      criterion: null,
    });
    expect(e.title).toBe('翠屏路农贸市场二楼疏散通道堆放杂物，安全出口指示灯损坏');
  });

  it('maps types to tasks and 整改情况 to outcome', () => {
    expect(onlyRecord(map(hazards, exampleRow(hazards, { type: '道路交通' }))).task_code).toBe('PA07');
    expect(onlyRecord(map(hazards, exampleRow(hazards, { type: '燃气' }))).task_code).toBe('PA01');
    expect(onlyRecord(map(hazards, exampleRow(hazards, { status: '无法整改' }))).outcome).toBe('unresolved');
    expect(onlyRecord(map(hazards, exampleRow(hazards, { status: '整改中', closed_at: null }))).stage).toBe('dispatched');
  });

  it('refuses a rectification before the hazard was found', () => {
    const [problem] = errorsOf(map(hazards, exampleRow(hazards, { closed_at: '2023-04-10' })));
    expect(problem.message).toContain('整改时间早于发现时间');
  });

  it('keeps the hash id when 整改情况 changes', () => {
    const a = onlyRecord(map(hazards, exampleRow(hazards, { number: null, status: '整改中', closed_at: null })));
    const b = onlyRecord(map(hazards, exampleRow(hazards, { number: null, measures: '已更换指示灯' })));
    expect(a.id).toBe(b.id);
    expect(a.id.startsWith('hazards:')).toBe(true);
  });
});

// ---- 平安网格 ----------------------------------------------------------------------------------------------------

describe('safe-grids', () => {
  it('maps the example row to an evaluation', () => {
    const e = onlyRecord(map(safeGrids, exampleRow(safeGrids)));
    expect(e).toEqual({
      id: `SG-2023-Q1-${GRID3}`,
      grid_id: GRID3,
      period: '2023-Q1',
      safe: false,
      broken: ['fire'],
      evaluated_at: '2023-04-06T10:00:00+08:00',
    });
  });

  it.each([
    ['2023年第一季度', '2023-Q1'],
    ['2023年第1季度', '2023-Q1'],
    ['2023年二季度', '2023-Q2'],
    ['2023-Q3', '2023-Q3'],
    ['2023Q4', '2023-Q4'],
    ['2023 q2', '2023-Q2'],
    ['２０２３年第三季度', '2023-Q3'],
    ['2023年上半年', '2023-H1'],
    ['2023年下半年', '2023-H2'],
    ['2023-H2', '2023-H2'],
    ['2023年度', null],
    ['2023年第五季度', null],
    ['第一季度', null],
  ])('reads the period %s as %s', (text, period) => {
    expect(parsePeriod(text)).toBe(period);
  });

  it('refuses a period it cannot read', () => {
    const mapped = map(safeGrids, exampleRow(safeGrids, { period: '2023年度' }));
    expect(mapped.records).toEqual([]);
    expect(errorsOf(mapped)[0]).toMatchObject({ column: '考核期', value: '2023年度' });
    expect(errorsOf(mapped)[0].message).toContain('考核期“2023年度”无法识别');
  });

  it('refuses a safe grid with criteria listed', () => {
    const mapped = map(safeGrids, exampleRow(safeGrids, { safe: '是', broken: '火灾、电信诈骗' }));
    expect(mapped.records).toEqual([]);
    expect(errorsOf(mapped)[0].message).toContain('评为平安网格，却填了发生情形');
  });

  it('imports a grid that is not safe without criteria, with a warning', () => {
    const mapped = map(safeGrids, exampleRow(safeGrids, { broken: null }));
    expect(onlyRecord(mapped)).toMatchObject({ safe: false, broken: [] });
    expect(warningsOf(mapped)[0].message).toContain('没有填发生情形');
  });

  it('reads 无 as no criteria, maps synonyms, and dates an evaluation without a time after its period', () => {
    expect(onlyRecord(map(safeGrids, exampleRow(safeGrids, { safe: '是', broken: '无', evaluated_at: null })))).toMatchObject({
      safe: true,
      broken: [],
      evaluated_at: '2023-04-01T00:00:00+08:00',
    });
    expect(onlyRecord(map(safeGrids, exampleRow(safeGrids, { period: '2023年下半年', evaluated_at: null }))).evaluated_at).toBe('2024-01-01T00:00:00+08:00');
    expect(onlyRecord(map(safeGrids, exampleRow(safeGrids, { broken: '刑事案件、黄赌毒窝点、群体上访' }))).broken).toEqual(['crime', 'vice', 'mass_petition']);
  });

  it('names the grid by code too, and gives one id per grid and period', () => {
    const a = onlyRecord(map(safeGrids, exampleRow(safeGrids, { grid: GRID3, period: '2023-Q1' })));
    const b = onlyRecord(map(safeGrids, exampleRow(safeGrids, { safe: '是', broken: null })));
    expect(a.id).toBe(b.id);
  });
});

// ---- 为民服务 ----------------------------------------------------------------------------------------------------

describe('services', () => {
  it('maps the example row to an activity', () => {
    expect(onlyRecord(map(services, exampleRow(services)))).toEqual({
      id: 'services:FW-2023-0105',
      grid_id: GRID3,
      type: 'volunteer_session',
      title: '翠屏路社区“邻里守望”助老志愿服务',
      date: '2023-05-20',
      people_reached: 36,
      volunteers: 12,
    });
  });

  it('maps the four types', () => {
    const typeOf = (t: string) => onlyRecord(map(services, exampleRow(services, { type: t }))).type;
    expect([typeOf('公益项目'), typeOf('志愿服务活动'), typeOf('微心愿'), typeOf('需求对接')]).toEqual([
      'project',
      'volunteer_session',
      'micro_wish',
      'demand_matched',
    ]);
  });

  it('keeps the hash id when the counts change', () => {
    const a = onlyRecord(map(services, exampleRow(services, { number: null })));
    const b = onlyRecord(map(services, exampleRow(services, { number: null, people: 40, volunteers: 3 })));
    expect(a.id).toBe(b.id);
    expect(onlyRecord(map(services, exampleRow(services, { number: null, date: '2023-05-21' }))).id).not.toBe(a.id);
  });

  it('counts an empty head count as 0 with a warning, and refuses a negative one', () => {
    const empty = map(services, exampleRow(services, { people: null }));
    expect(onlyRecord(empty).people_reached).toBe(0);
    expect(warningsOf(empty)[0]).toMatchObject({ column: '服务人数' });
    const negative = map(services, rowOf(services, { ...Object.fromEntries(services.template.fields.map((f) => [f.key, f.example])), volunteers: '-3' }));
    expect(negative.records).toEqual([]);
    expect(errorsOf(negative)[0]).toMatchObject({ column: '志愿者人数' });
  });

  it('names an unknown grid', () => {
    expect(errorsOf(map(services, exampleRow(services, { grid: '厚街社区第9网格' })))[0].message).toContain(
      '没有名为“厚街社区第9网格”的网格，是否是：厚街社区第1网格',
    );
  });
});

// ---- 12345 -----------------------------------------------------------------------------------------------------

describe('hotline', () => {
  it('maps the example row to a closed, rated appeal', () => {
    const e = onlyRecord(map(hotline, exampleRow(hotline)));
    expect(e).toMatchObject({
      id: 'hotline:GD20230305000123',
      kind: 'appeal',
      task_code: 'CZ08', // 噪音扰民处置
      criterion: null,
      severity: 'low',
      source: 'hotline_12345',
      grid_id: GRID3,
      location: [106.25, 30.05],
      title: '【城乡建设-噪音扰民】翠屏路某小区旁工地夜间施工噪音扰民，希望相关部门处理',
      stage: 'closed',
      stages: { reported: '2023-03-05T09:12:00+08:00', dispatched: '2023-03-05T09:12:00+08:00', closed: '2023-03-07T15:40:00+08:00' },
      department_id: 'D01', // 综合执法局
      joint: false,
      deadline: '2023-03-20T18:00:00+08:00',
      outcome: 'resolved',
      satisfaction: 'satisfied',
      reporter: { name: '陈女士', phone: '13912345678' },
    });
  });

  it('maps the type to a kind, and rates appeals only', () => {
    const kindOf = (category: string | null) => onlyRecord(map(hotline, exampleRow(hotline, { category })));
    expect(kindOf('邻里纠纷')).toMatchObject({ kind: 'dispute', task_code: 'CZ04', satisfaction: null });
    expect(kindOf('0302 物业纠纷')).toMatchObject({ kind: 'dispute', task_code: 'CZ05' });
    expect(kindOf('消防安全隐患')).toMatchObject({ kind: 'hazard', task_code: 'PA03' });
    expect(kindOf('社会治安')).toMatchObject({ kind: 'incident', task_code: 'PA02' });
    expect(kindOf('公共安全')).toMatchObject({ kind: 'hazard', task_code: 'PA01' });
    const codeOnly = kindOf('0501');
    expect(codeOnly).toMatchObject({ kind: 'appeal', satisfaction: 'satisfied' });
    expect(codeOnly.title).toMatch(/^【0501】/);
    expect(kindOf(null).title).toBe('翠屏路某小区旁工地夜间施工噪音扰民，希望相关部门处理');
  });

  it('warns about a department not in the list, naming it, and imports without one', () => {
    const mapped = map(hotline, exampleRow(hotline, { unit: '广安区城市管理委员会' }));
    expect(onlyRecord(mapped)).toMatchObject({ department_id: null, stage: 'closed' });
    const [warning] = warningsOf(mapped);
    expect(warning).toMatchObject({ column: '承办单位', value: '广安区城市管理委员会' });
    expect(warning.message).toContain('承办单位“广安区城市管理委员会”不在部门名单中');
  });

  it('matches departments by full name, short name and district prefix; several units are joint', () => {
    const dept = (unit: string) => onlyRecord(map(hotline, exampleRow(hotline, { unit })));
    expect(dept('广安区市场监督管理局').department_id).toBe('D02');
    expect(dept('市场监管局').department_id).toBe('D02');
    expect(dept('区住建局').department_id).toBe('D04');
    expect(dept('广安区人力资源和社会保障局').department_id).toBe('D07');
    expect(dept('综合执法局、公安分局')).toMatchObject({ department_id: 'D01', joint: true });
  });

  it('refuses an order closed before it was received', () => {
    const [problem] = errorsOf(map(hotline, exampleRow(hotline, { closed_at: '2023-03-04 10:00' })));
    expect(problem.message).toContain('办结时间早于受理时间');
  });

  it('truncates the title to 200 characters', () => {
    const e = onlyRecord(map(hotline, exampleRow(hotline, { content: '噪音'.repeat(300) })));
    expect((e.title as string).length).toBe(200);
    expect(e.title).toMatch(/…$/);
  });

  it('keeps the petitioner and the phone in the reporter only', () => {
    const e = onlyRecord(map(hotline, exampleRow(hotline, { petitioner: '陈晓红', content: '我是陈晓红，电话139 1234 5678，楼下饭店油烟扰民' })));
    expect(e.reporter).toEqual({ name: '陈晓红', phone: '13912345678' });
    const { reporter: _reporter, ...rest } = e;
    const text = JSON.stringify(rest);
    for (const personal of ['陈晓红', '13912345678', '139 1234 5678']) expect(text).not.toContain(personal);
    expect(onlyRecord(map(hotline, exampleRow(hotline, { petitioner: null, phone: null }))).reporter).toBeNull();
  });

  it('derives the deadline from 是否按期 when the export has no time limit', () => {
    const late = { deadline: null, closed_at: '2023-03-30 10:00' };
    expect(onlyRecord(map(hotline, exampleRow(hotline, { ...late, on_time: '是' }))).deadline).toBe('2023-03-30T10:00:00+08:00');
    expect(onlyRecord(map(hotline, exampleRow(hotline, { ...late, on_time: '否' }))).deadline).toBe('2023-03-20T09:12:00+08:00');
    const early = { deadline: null, closed_at: '2023-03-07 15:40' };
    expect(onlyRecord(map(hotline, exampleRow(hotline, { ...early, on_time: '是' }))).deadline).toBe('2023-03-20T09:12:00+08:00');
    expect(onlyRecord(map(hotline, exampleRow(hotline, { ...early, on_time: '否' }))).deadline).toBe('2023-03-07T15:39:59+08:00');
    expect(onlyRecord(map(hotline, exampleRow(hotline, { deadline: null, closed_at: null, on_time: null, satisfaction: null }))).deadline).toBe(
      '2023-03-20T09:12:00+08:00',
    );
  });

  it('warns when 是否按期 disagrees with the time limit', () => {
    const mapped = map(hotline, exampleRow(hotline, { on_time: '否' }));
    expect(onlyRecord(mapped).deadline).toBe('2023-03-20T18:00:00+08:00');
    expect(warningsOf(mapped)[0].column).toBe('是否按期');
  });

  it('ignores, with a warning, a rating of an open order', () => {
    const mapped = map(hotline, exampleRow(hotline, { closed_at: null, on_time: null }));
    expect(onlyRecord(mapped)).toMatchObject({ stage: 'dispatched', satisfaction: null, outcome: null });
    expect(warningsOf(mapped)[0].column).toBe('满意度');
  });

  it('maps urgency to severity and 未评价 to no rating', () => {
    expect(onlyRecord(map(hotline, exampleRow(hotline, { urgency: '特急' }))).severity).toBe('high');
    expect(onlyRecord(map(hotline, exampleRow(hotline, { satisfaction: '未评价' }))).satisfaction).toBeNull();
    expect(onlyRecord(map(hotline, exampleRow(hotline, { satisfaction: '基本满意' }))).satisfaction).toBe('basically_satisfied');
    expect(onlyRecord(map(hotline, exampleRow(hotline, { result: '未解决' }))).outcome).toBe('unresolved');
  });

  it('locates an order by its point or its address when it has no grid', () => {
    const byPoint = onlyRecord(map(hotline, exampleRow(hotline, { grid: null, address: null, lon: 106.55, lat: 30.05 })));
    expect(byPoint).toMatchObject({ grid_id: '511602001002001', location: [106.55, 30.05] });
    const byAddress = onlyRecord(map(hotline, exampleRow(hotline, { grid: null, address: '四川省广安市浓洄街道翠屏路社区第1网格翠屏路8号' })));
    expect(byAddress.grid_id).toBe('511602001001001');
    const nowhere = map(hotline, exampleRow(hotline, { grid: null, address: null, lon: 120, lat: 40 }));
    expect(errorsOf(nowhere)[0].message).toContain('不在任何网格内');
    const noGridInAddress = map(hotline, exampleRow(hotline, { grid: null, address: '翠屏路8号' }));
    expect(errorsOf(noGridInAddress)[0].message).toContain('无法从地址“翠屏路8号”确定网格');
    const nothing = map(hotline, exampleRow(hotline, { grid: null, address: null }));
    expect(errorsOf(nothing)[0].message).toContain('无法确定工单所在网格');
  });

  it('gives a too long order number a digest id within 64 characters', () => {
    const e = onlyRecord(map(hotline, exampleRow(hotline, { number: 'GD'.repeat(40) })));
    expect(e.id.length).toBeLessThanOrEqual(64);
    expect(e.id).toBe(onlyRecord(map(hotline, exampleRow(hotline, { number: 'GD'.repeat(40), content: '别的内容' }))).id);
  });
});

// ---- 网格基础信息 -------------------------------------------------------------------------------------------------

describe('grid-info', () => {
  it('maps the example row to a grid profile', () => {
    const mapped = map(gridInfo, exampleRow(gridInfo));
    expect(mapped.records).toEqual([]);
    expect(mapped.problems).toEqual([]);
    expect(mapped.profiles).toHaveLength(1);
    const [{ gridId, profile }] = mapped.profiles!;
    expect(gridId).toBe(GRID3);
    expect(GridProfile.safeParse(profile).success).toBe(true);
    expect(profile).toEqual({
      leader: '王建国',
      full_time_worker: '李晓梅',
      full_time_worker_recruited: false,
      workforce: 7,
      party_branch: '翠屏路社区第3网格党支部',
      party_branches: 2,
      party_members: 46,
      population: 1380,
      households: 512,
      ledgers: { resident_population: 1380, key_groups: 24, community_resources: 21, special_groups: 12, premises: 36, businesses: 28, hazards: 6 },
      service_lists: { demands: 45, resources: 22, projects: 1 },
      new_in_2022: false,
    });
  });

  it('keeps what a grid’s profile says for the columns a sheet leaves empty', () => {
    const mapped = map(gridInfo, rowOf(gridInfo, { grid: '翠屏路社区第2网格', ledger_hazards: 9, population: 1250 }));
    expect(mapped.problems).toEqual([]);
    expect(mapped.profiles![0].profile).toEqual({ ...PROFILE, population: 1250, ledgers: { ...PROFILE.ledgers, hazards: 9 } });
  });

  it('fills a new profile’s empty cells with 0, saying which', () => {
    const mapped = map(gridInfo, rowOf(gridInfo, { grid: '翠屏路社区第1网格', population: 900 }));
    const profile = mapped.profiles![0].profile;
    expect(profile).toMatchObject({ workforce: 1, population: 900, households: 0, ledgers: { resident_population: 900 }, new_in_2022: false });
    const [warning] = warningsOf(mapped);
    expect(warning.message).toContain('网格工作力量');
    expect(warning.message).toContain('户数');
    expect(warning.message).not.toContain('常住人口台账');
  });

  it('refuses a workforce of 0 and an unknown grid', () => {
    const zero = map(gridInfo, exampleRow(gridInfo, { workforce: 0 }));
    expect(zero.profiles).toBeUndefined();
    expect(errorsOf(zero)[0]).toMatchObject({ column: '网格工作力量' });
    expect(errorsOf(map(gridInfo, exampleRow(gridInfo, { grid: '翠屏路社区第8网格' })))[0].message).toContain('没有名为“翠屏路社区第8网格”的网格');
  });
});

// ---- every source ----------------------------------------------------------------------------------------------

describe('every event source', () => {
  it.each([disputes, hazards, hotline])('$name: writes no personal cell outside the reporter', (source) => {
    const e = onlyRecord(map(source, exampleRow(source)));
    const personal = source.template.fields.filter((f) => f.personal).map((f) => String(f.example));
    const { reporter, ...rest } = e;
    for (const value of personal) {
      expect(JSON.stringify(rest)).not.toContain(value);
      expect(JSON.stringify(reporter)).toContain(value.split('、')[0]);
    }
  });
});
