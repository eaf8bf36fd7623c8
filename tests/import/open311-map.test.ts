/**
 * Open311 service requests → Event records: the closed loop from status, times in +08:00, the grid by
 * point-in-polygon (after WGS-84 → GCJ-02), the department by name, the kind and task from the service table, and
 * a problem naming the request for everything that does not fit. Every record is checked with the write API's
 * EventInput; one test pulls from the tiny server and maps it all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pullRequests, fetchServices, type Open311Request } from '../../central/import/open311/client';
import { defaultServiceMapping, mapRequest, type ServiceMapping } from '../../central/import/open311/map';
import { buildRegionIndex } from '../../central/import/regions-index';
import type { MapContext, Problem } from '../../central/import/types';
import { DEPARTMENTS, TASKS } from '../../central/demo/organisation';
import type { Event, OrganisationResponse } from '../../shared/api/schemas';
import { EventInput } from '../../shared/api/writes';
import { organisation as fixtureOrganisation, regions } from '../fixtures/records';
import { startOpen311Server, type Open311TestServer } from './fixtures/open311-server';

const organisation: OrganisationResponse = {
  departments: DEPARTMENTS.map((d) => ({ id: d.id, name: d.name, short_name: d.short_name, enforcement_staff: d.staff })),
  tasks: TASKS,
  people: fixtureOrganisation.people,
};
// The fixture tree is in GCJ-02: g1 is the square 106.60–106.61 × 30.50–30.51, g2 the one east of it.
const ctx: MapContext = { regions: buildRegionIndex(regions), organisation, source: 'open311:test', now: () => Date.parse('2024-07-01T00:00:00+08:00') };
// Points given in GCJ-02 (the tree's datum) unless a test is about the datum.
const GCJ = { coordinateDatum: 'GCJ-02' } as const;

const MAPPING: ServiceMapping = {
  S1: { kind: 'appeal', task_code: 'CZ03' },
  S2: { kind: 'dispute' },
  S3: { kind: 'hazard', task_code: 'PA03', severity: 'high' },
  S9: { kind: 'appeal', task_code: 'XX99' },
};

function request(over: Partial<Open311Request> = {}): Open311Request {
  return {
    service_request_id: '1001',
    status: 'open',
    service_code: 'S1',
    service_name: '城市管理',
    description: '小区门口垃圾堆放',
    requested_datetime: '2024-06-01T09:00:00+08:00',
    address: '翠屏路 8 号',
    lat: 30.505,
    long: 106.605,
    ...over,
  };
}

/** Maps and checks the record with the write API's own schema. */
function map(over: Partial<Open311Request> = {}, options: Parameters<typeof mapRequest>[3] = GCJ): { event?: Omit<Event, 'rev'>; problems: Problem[] } {
  const { record, problems } = mapRequest(request(over), MAPPING, ctx, options);
  if (!record) return { problems };
  expect(record.type).toBe('event');
  const parsed = EventInput.safeParse(record.record);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  return { event: parsed.data as Omit<Event, 'rev'>, problems };
}

describe('a request becomes an event', () => {
  it('maps an open request nobody handles yet: reported, the grid by its point, deadline by default', () => {
    const { event, problems } = map();
    expect(problems).toEqual([]);
    expect(event).toEqual({
      id: 'open311:1001',
      kind: 'appeal',
      task_code: 'CZ03',
      criterion: null,
      severity: 'low',
      source: 'hotline_12345',
      grid_id: 'g1',
      location: [106.605, 30.505],
      title: '城市管理：小区门口垃圾堆放',
      stage: 'reported',
      stages: { reported: '2024-06-01T09:00:00+08:00' },
      department_id: null,
      joint: false,
      // No expected_datetime: requested + 15 days for an appeal.
      deadline: '2024-06-16T09:00:00+08:00',
      outcome: null,
      satisfaction: null,
      reporter: null,
      repeat_of: null,
    });
  });

  it('makes an open request with an agency dispatched, to the department by its short or full name', () => {
    const short = map({ agency_responsible: '综合执法局', updated_datetime: '2024-06-02T01:00:00Z' });
    expect(short.event).toMatchObject({
      stage: 'dispatched',
      department_id: 'D01',
      stages: { reported: '2024-06-01T09:00:00+08:00', dispatched: '2024-06-02T09:00:00+08:00' },
    });
    expect(map({ agency_responsible: ' 广安区住房和城乡建设局 ' }).event?.department_id).toBe('D04');
    expect(map({ agency_responsible: '广安区住房和城乡建设局' }).event?.stages.dispatched).toBe('2024-06-01T09:00:00+08:00');
    // Written another way: the one department whose short name it holds.
    expect(map({ agency_responsible: '区住建局（城建科）' }).event?.department_id).toBe('D04');
  });

  it('closes a closed request at its updated time, normalising offsets to +08:00', () => {
    const { event } = map({ status: 'closed', requested_datetime: '2024-06-01T01:00:00Z', updated_datetime: '2024-06-03T10:30:00-05:00' });
    expect(event).toMatchObject({
      stage: 'closed',
      outcome: 'resolved',
      stages: { reported: '2024-06-01T09:00:00+08:00', closed: '2024-06-03T23:30:00+08:00' },
    });
  });

  it('takes the deadline from expected_datetime, and the default by kind without it', () => {
    expect(map({ expected_datetime: '2024-06-05T18:00:00+08:00' }).event?.deadline).toBe('2024-06-05T18:00:00+08:00');
    expect(map({ service_code: 'S2' }).event?.deadline).toBe('2024-07-01T09:00:00+08:00');
    expect(map({ service_code: 'S2' }, { ...GCJ, deadlineDays: { dispute: 7 } }).event?.deadline).toBe('2024-06-08T09:00:00+08:00');
  });

  it('takes kind, task and severity from the service table (the kind’s usual task when none is given)', () => {
    expect(map({ service_code: 'S2' }).event).toMatchObject({ kind: 'dispute', task_code: 'CZ01', severity: 'low' });
    expect(map({ service_code: 'S3' }).event).toMatchObject({ kind: 'hazard', task_code: 'PA03', severity: 'high' });
  });

  it('keeps personal data the server sends only as the reporter', () => {
    expect(map({ first_name: '三', last_name: '张', phone: '13800000000', email: 'z@example.cn' }).event?.reporter).toEqual({
      name: '张三',
      phone: '13800000000',
    });
    expect(map({ email: 'z@example.cn' }).event?.reporter).toEqual({ name: 'z@example.cn', phone: '' });
    expect(map().event?.reporter).toBeNull();
  });

  it('drops U+0000 from the title (the store cannot keep it)', () => {
    expect(map({ description: '垃圾\u0000堆放' }).event?.title).toBe('城市管理：垃圾堆放');
  });

  it('refuses, naming the field, a record the write API would refuse (a deadline past year 9999)', () => {
    const { event, problems } = map({ requested_datetime: '9999-12-30T09:00:00+08:00' });
    expect(event).toBeUndefined();
    expect(problems[0].message).toMatch(/映射后的记录不符合写入接口的要求（deadline/);
  });

  it('cuts a long description to the title’s 200 characters', () => {
    const { event } = map({ description: '很长的描述'.repeat(100) });
    expect(event?.title.length).toBe(200);
    expect(event?.title.endsWith('…')).toBe(true);
  });
});

describe('where: WGS-84 from the feed, the grid in the tree’s datum', () => {
  it('converts WGS-84 to the tree’s GCJ-02 before looking for the grid (a few hundred metres decide the grid)', () => {
    // In WGS-84 this point is in g1's square; shifted to GCJ-02 it is in g2's.
    const { event } = map({ lat: 30.505, long: 106.608 }, {});
    expect(event?.grid_id).toBe('g2');
    expect(event?.location[0]).toBeGreaterThan(106.61);
    expect(map({ lat: 30.505, long: 106.608 }, GCJ).event?.grid_id).toBe('g1');
  });

  it('names the request and its address when its point is in no grid', () => {
    const { event, problems } = map({ lat: 31.2, long: 121.4 });
    expect(event).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', column: 'lat/long' });
    expect(problems[0].message).toMatch(/Open311 请求 1001（翠屏路 8 号）的位置（经度 121\.4，纬度 31\.2）不在任何网格内/);
  });

  it.each([[{ lat: undefined, long: undefined }], [{ lat: 'abc', long: '106.6' }], [{ lat: 0, long: 0 }]])(
    'refuses a request without usable coordinates (%j)',
    (over) => {
      const { event, problems } = map(over as Partial<Open311Request>);
      expect(event).toBeUndefined();
      expect(problems[0].message).toMatch(/Open311 请求 1001（翠屏路 8 号）没有有效的坐标.*无法定位到网格/);
    },
  );

  it('converts GCJ-02 coordinates to a WGS-84 tree', () => {
    const wgsTree = buildRegionIndex({ ...regions, datum: 'WGS-84' });
    const wgsCtx = { ...ctx, regions: wgsTree };
    // 106.6115 in GCJ-02 is about 106.6078 in WGS-84: g1, not g2.
    const { record } = mapRequest(request({ lat: 30.505, long: 106.6115 }), MAPPING, wgsCtx, GCJ);
    expect(record?.record.grid_id).toBe('g1');
    expect(mapRequest(request({ lat: 30.505, long: 106.6115 }), MAPPING, wgsCtx, { coordinateDatum: 'WGS-84' }).record?.record.grid_id).toBe('g2');
  });

  it('reads coordinates sent as text', () => {
    expect(map({ lat: '30.505', long: '106.615' }).event?.grid_id).toBe('g2');
  });
});

describe('what does not fit is named', () => {
  it('warns about an agency no department matches, naming it, and keeps the record with no department', () => {
    const { event, problems } = map({ agency_responsible: '火星管理局' });
    expect(event).toMatchObject({ department_id: null, stage: 'dispatched' });
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', column: 'agency_responsible', value: '火星管理局' })]);
    expect(problems[0].message).toMatch(/承办单位「火星管理局」与组织机构中的部门对不上/);
  });

  it.each([
    ['requested_datetime', '2024-02-30T09:00:00+08:00'],
    ['requested_datetime', 'yesterday'],
    ['updated_datetime', '2024-06-01T25:00:00+08:00'],
    ['expected_datetime', '2024-06-01'],
  ] as const)('refuses a request whose %s is no date-time (%s)', (field, value) => {
    const { event, problems } = map({ [field]: value });
    expect(event).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', column: field, value })]);
    expect(problems[0].message).toContain(`${field}「${value}」不是有效的日期时间`);
  });

  it('refuses a request without a requested time', () => {
    const { problems } = map({ requested_datetime: undefined });
    expect(problems[0].message).toMatch(/没有受理时间（requested_datetime）/);
  });

  it('refuses a request without an id, or with one too long for a record id', () => {
    expect(map({ service_request_id: '' }).problems[0].message).toMatch(/没有 service_request_id/);
    const long = map({ service_request_id: 'x'.repeat(60) });
    expect(long.event).toBeUndefined();
    expect(long.problems[0].message).toMatch(/编号过长/);
  });

  it('warns about a service code not in the table, and maps it by its name', () => {
    const { event, problems } = map({ service_code: 'NEW', service_name: '邻里纠纷' });
    expect(event).toMatchObject({ kind: 'dispute', task_code: 'CZ04' }); // 邻里纠纷化解
    expect(problems[0]).toMatchObject({ severity: 'warning', column: 'service_code', value: 'NEW' });
    expect(problems[0].message).toMatch(/服务类型「NEW 邻里纠纷」不在服务类型对照表中/);
  });

  it('warns about a task code the organisation does not have', () => {
    const { event, problems } = map({ service_code: 'S9' });
    expect(event?.task_code).toBe('XX99');
    expect(problems[0].message).toMatch(/任务编码「XX99」不在组织机构的任务清单中/);
  });

  it('warns about a status other than open/closed and takes it as open', () => {
    const { event, problems } = map({ status: 'in_progress' });
    expect(event?.stage).toBe('reported');
    expect(problems[0].message).toMatch(/状态「in_progress」不是 Open311 的 open 或 closed/);
  });

  it('warns about a closed request without an updated time, or updated before it was made, closing it at its requested time', () => {
    const none = map({ status: 'closed' });
    expect(none.event?.stages.closed).toBe('2024-06-01T09:00:00+08:00');
    expect(none.problems[0].message).toMatch(/已办结（closed）但没有 updated_datetime/);
    const before = map({ status: 'closed', updated_datetime: '2024-05-01T09:00:00+08:00' });
    expect(before.event?.stages.closed).toBe('2024-06-01T09:00:00+08:00');
    expect(before.problems[0].message).toMatch(/更新时间 2024-05-01T09:00:00\+08:00 早于受理时间/);
  });
});

describe('the default service table', () => {
  it('sorts services by keywords of their names (Chinese and English), else appeal, with a matching task where one is named alike', () => {
    const mapping = defaultServiceMapping(
      [
        { service_code: 'a', service_name: '邻里纠纷' },
        { service_code: 'b', service_name: '安全隐患' },
        { service_code: 'c', service_name: 'Fire hazard' },
        { service_code: 'd', service_name: '治安问题' },
        { service_code: 'e', service_name: 'Crime report' },
        { service_code: 'f', service_name: '路灯不亮' },
        { service_code: 'g', service_name: '噪音扰民' },
        { service_code: 'h', service_name: 'Neighbour dispute' },
      ],
      organisation,
    );
    expect(Object.fromEntries(Object.entries(mapping).map(([code, m]) => [code, m.kind]))).toEqual({
      a: 'dispute',
      b: 'hazard',
      c: 'hazard',
      d: 'incident',
      e: 'incident',
      f: 'appeal',
      g: 'appeal',
      h: 'dispute',
    });
    expect(mapping.f.task_code).toBe('CJ08');
    expect(mapping.g.task_code).toBe('CZ08'); // 噪音扰民处置
    expect(mapping.b.task_code).toBe('PA01'); // 安全隐患排查
  });

  it('falls back on the demo task codes without an organisation, and on the organisation’s own tasks when it has other codes', () => {
    expect(defaultServiceMapping([{ service_code: 'a', service_name: '邻里纠纷' }], null).a.task_code).toBe('CZ01');
    expect(defaultServiceMapping([{ service_code: 'f', service_name: '路灯不亮' }], fixtureOrganisation).f.task_code).toBe('T01');
  });
});

describe('from the feed to records', () => {
  let server: Open311TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('pulls, maps with the default table and gives records the write API accepts', async () => {
    server = await startOpen311Server({
      services: [
        { service_code: 'noise', service_name: '噪音扰民' },
        { service_code: 'feud', service_name: '邻里纠纷' },
      ],
      requests: [
        {
          service_request_id: 'A1',
          status: 'open',
          service_code: 'noise',
          service_name: '噪音扰民',
          requested_datetime: '2024-06-01T09:00:00Z',
          lat: 30.506,
          long: 106.6,
        },
        {
          service_request_id: 'A2',
          status: 'closed',
          service_code: 'feud',
          service_name: '邻里纠纷',
          agency_responsible: '司法局',
          requested_datetime: '2024-06-02T09:00:00+08:00',
          updated_datetime: '2024-06-05T09:00:00+08:00',
          lat: 30.506,
          long: 106.61,
        },
        {
          service_request_id: 'A3',
          status: 'open',
          service_code: 'noise',
          requested_datetime: '2024-06-03T09:00:00+08:00',
          address: '远方',
          lat: 39.9,
          long: 116.4,
        },
      ],
    });
    const services = await fetchServices({ url: server.url });
    const mapping = defaultServiceMapping(services, organisation);
    const events: Omit<Event, 'rev'>[] = [];
    const problems: Problem[] = [];
    for await (const batch of pullRequests({ url: server.url, since: '2024-05-01T00:00:00+08:00', until: '2024-07-01T00:00:00+08:00', pageSize: 2 })) {
      for (const item of batch.requests) {
        const mapped = mapRequest(item, mapping, ctx);
        problems.push(...mapped.problems);
        if (mapped.record) events.push(EventInput.parse(mapped.record.record) as Omit<Event, 'rev'>);
      }
    }
    expect(events.map((e) => [e.id, e.kind, e.task_code, e.stage, e.department_id, e.grid_id])).toEqual([
      ['open311:A1', 'appeal', 'CZ08', 'reported', null, 'g1'],
      ['open311:A2', 'dispute', 'CZ04', 'closed', 'D06', 'g2'],
    ]);
    expect(events[0].stages.reported).toBe('2024-06-01T17:00:00+08:00');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/Open311 请求 A3（远方）的位置.*不在任何网格内/);
  });
});
