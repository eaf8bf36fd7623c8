/**
 * The Open311 client against a tiny GeoReport v2 server: windows of at most 90 days, paging (and servers whose
 * paging never ends or ignores its parameters), the incremental cursor, and every way a server goes wrong, each a
 * Chinese sentence naming the URL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fetchServices, Open311Error, pullRequests, type Open311Options, type PullBatch } from '../../central/import/open311/client';
import { DAY_MS as DAY } from '../../shared/time';
import { startOpen311Server, type Open311ServerKnobs, type Open311TestServer } from './fixtures/open311-server';

const SINCE = '2024-01-01T00:00:00+08:00';
const UNTIL = '2024-07-01T00:00:00+08:00';

function request(id: string, requested: string, extra: Record<string, unknown> = {}) {
  return {
    service_request_id: id,
    status: 'open',
    service_code: 'S1',
    service_name: '路灯不亮',
    requested_datetime: requested,
    lat: 30.5,
    long: 106.6,
    ...extra,
  };
}

const REQUESTS = [
  request('r1', '2024-01-10T09:00:00+08:00', { updated_datetime: '2024-01-11T02:00:00Z' }),
  request('r2', '2024-03-01T09:00:00+08:00', { updated_datetime: '2024-03-02T09:00:00+08:00' }),
  request('r3', '2024-05-20T09:00:00+08:00', { updated_datetime: '2024-06-20T01:30:00Z' }),
  request('r4', '2024-06-15T09:00:00+08:00', { updated_datetime: '2024-06-16T09:00:00+08:00' }),
  request('r5', '2024-06-30T09:00:00+08:00'),
];

let server: Open311TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(knobs: Partial<Open311ServerKnobs> = {}): Promise<Open311TestServer> {
  server = await startOpen311Server({ requests: REQUESTS, ...knobs });
  return server;
}

async function pullAll(options: Open311Options): Promise<PullBatch[]> {
  const batches: PullBatch[] = [];
  for await (const batch of pullRequests(options)) batches.push(batch);
  return batches;
}

async function failure(promise: Promise<unknown>): Promise<Open311Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Open311Error);
  return error as Open311Error;
}

const requestsCalls = (s: Open311TestServer) => s.calls.filter((c) => c.pathname.endsWith('/requests.json'));

describe('services.json', () => {
  it('reads the service types, sending jurisdiction_id and api_key', async () => {
    const s = await serve({
      apiKey: 'k1',
      services: [
        { service_code: 'S1', service_name: '邻里纠纷', group: '矛盾纠纷', description: '邻里之间的纠纷', type: 'realtime', metadata: false },
        { service_code: 2, service_name: '安全隐患' },
        { service_name: '没有编号的类型' },
      ],
    });
    const services = await fetchServices({ url: s.url, apiKey: 'k1', jurisdictionId: 'ga.gov.cn' });
    expect(services).toEqual([
      { service_code: 'S1', service_name: '邻里纠纷', group: '矛盾纠纷', description: '邻里之间的纠纷', type: 'realtime' },
      { service_code: '2', service_name: '安全隐患' },
    ]);
    expect(s.calls[0].pathname).toBe('/open311/v2/services.json');
    expect(s.calls[0].searchParams.get('jurisdiction_id')).toBe('ga.gov.cn');
    expect(s.calls[0].searchParams.get('api_key')).toBe('k1');
  });

  it('takes a base given with a resource on it as the base', async () => {
    const s = await serve({ services: [{ service_code: 'S1', service_name: 'x' }] });
    await fetchServices({ url: `${s.url}/services.xml` });
    expect(s.calls[0].pathname).toBe('/open311/v2/services.json');
  });
});

describe('windows and the incremental cursor', () => {
  it('asks in windows of at most 90 days, contiguous from since to until, in +08:00', async () => {
    const s = await serve();
    const batches = await pullAll({ url: s.url, since: SINCE, until: UNTIL });
    const calls = requestsCalls(s);
    expect(calls).toHaveLength(3);
    const windows = calls.map((c) => [c.searchParams.get('start_date')!, c.searchParams.get('end_date')!]);
    expect(windows[0][0]).toBe(SINCE);
    expect(windows[2][1]).toBe(UNTIL);
    for (let i = 0; i < windows.length; i++) {
      const [start, end] = windows.map((w) => w.map(Date.parse))[i];
      expect(end - start).toBeLessThanOrEqual(90 * DAY);
      expect(windows[i][0]).toMatch(/\+08:00$/);
      if (i > 0) expect(windows[i][0]).toBe(windows[i - 1][1]);
    }
    expect(batches.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(batches.map((b) => b.window.start)).toEqual(windows.map((w) => w[0]));
  });

  it('asks in smaller windows when told to (a server that caps its answers without paging)', async () => {
    const s = await serve();
    await pullAll({ url: s.url, since: SINCE, until: UNTIL, windowDays: 30 });
    const calls = requestsCalls(s);
    expect(calls).toHaveLength(7);
    for (const c of calls) expect(Date.parse(c.searchParams.get('end_date')!) - Date.parse(c.searchParams.get('start_date')!)).toBeLessThanOrEqual(30 * DAY);
  });

  it('defaults to the 90 days before until', async () => {
    const s = await serve();
    await pullAll({ url: s.url, until: UNTIL });
    const calls = requestsCalls(s);
    expect(calls).toHaveLength(1);
    expect(Date.parse(UNTIL) - Date.parse(calls[0].searchParams.get('start_date')!)).toBe(90 * DAY);
  });

  it('yields a request found in two windows (on their common boundary) once', async () => {
    const boundary = new Date(Date.parse(SINCE) + 90 * DAY).toISOString();
    const s = await serve({ requests: [request('edge', boundary)] });
    const batches = await pullAll({ url: s.url, since: SINCE, until: UNTIL });
    expect(requestsCalls(s).length).toBe(3);
    expect(batches.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['edge']);
  });

  it('starts at the given since (normalised to +08:00) and tracks the highest updated_datetime in +08:00', async () => {
    const s = await serve();
    const batches = await pullAll({ url: s.url, since: '2024-05-01T00:00:00Z', until: UNTIL });
    expect(requestsCalls(s)[0].searchParams.get('start_date')).toBe('2024-05-01T08:00:00+08:00');
    expect(batches.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['r3', 'r4', 'r5']);
    // r3 was updated 2024-06-20T01:30:00Z: the latest update (r5 has none: its requested time counts, earlier).
    expect(batches.at(-1)?.maxUpdated).toBe('2024-06-30T09:00:00+08:00');
    const withoutR5 = await pullAll({ url: s.url, since: '2024-05-01T00:00:00Z', until: '2024-06-29T00:00:00+08:00' });
    expect(withoutR5.at(-1)?.maxUpdated).toBe('2024-06-20T09:30:00+08:00');
  });

  it('hands on the since it was given when nothing new came', async () => {
    const s = await serve({ requests: [] });
    const batches = await pullAll({ url: s.url, since: '2024-06-01T00:00:00Z', until: UNTIL });
    expect(batches.at(-1)?.maxUpdated).toBe('2024-06-01T08:00:00+08:00');
  });

  it('never moves the cursor past until (a server clock ahead of ours)', async () => {
    const s = await serve({ requests: [request('future', '2024-06-01T09:00:00+08:00', { updated_datetime: '2030-01-01T00:00:00+08:00' })] });
    const batches = await pullAll({ url: s.url, since: '2024-05-01T00:00:00+08:00', until: UNTIL });
    expect(batches.at(-1)?.maxUpdated).toBe(UNTIL);
  });

  it('filters by updated date with the updated_after/updated_before extension when asked (an old request updated since)', async () => {
    const s = await serve({ requests: [request('old', '2023-01-05T09:00:00+08:00', { updated_datetime: '2024-06-02T09:00:00+08:00' })] });
    const byRequested = await pullAll({ url: s.url, since: '2024-06-01T00:00:00+08:00', until: UNTIL });
    expect(byRequested.flatMap((b) => b.requests)).toHaveLength(0);
    const byUpdated = await pullAll({ url: s.url, since: '2024-06-01T00:00:00+08:00', until: UNTIL, dateFilter: 'updated' });
    expect(byUpdated.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['old']);
    const last = requestsCalls(s).at(-1)!;
    expect(last.searchParams.get('updated_after')).toBe('2024-06-01T00:00:00+08:00');
    expect(last.searchParams.has('start_date')).toBe(false);
  });

  it('refuses a since that is no time, in words', async () => {
    const s = await serve();
    const error = await failure(pullAll({ url: s.url, since: '2024-13-01', until: UNTIL }));
    expect(error.message).toMatch(/since「2024-13-01」不是有效的时间.*RFC 3339/);
  });
});

describe('paging', () => {
  const ONE_WINDOW = { since: '2024-04-15T00:00:00+08:00', until: UNTIL };

  it('asks for the next page after a full one, and stops at a short one', async () => {
    const s = await serve();
    const batches = await pullAll({ url: s.url, ...ONE_WINDOW, pageSize: 2 });
    // r3, r4, r5 in this window: pages of 2 and 1.
    expect(requestsCalls(s).map((c) => [c.searchParams.get('page'), c.searchParams.get('page_size')])).toEqual([
      ['1', '2'],
      ['2', '2'],
    ]);
    expect(batches.map((b) => [b.page, b.requests.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('sends no paging parameters without a page size', async () => {
    const s = await serve();
    await pullAll({ url: s.url, ...ONE_WINDOW });
    expect(requestsCalls(s)[0].searchParams.has('page')).toBe(false);
  });

  it('takes more than a page as a server that does not page, and asks no more', async () => {
    const s = await serve({ paging: 'ignore' });
    const batches = await pullAll({ url: s.url, ...ONE_WINDOW, pageSize: 2 });
    expect(requestsCalls(s)).toHaveLength(1);
    expect(batches.flatMap((b) => b.requests)).toHaveLength(3);
  });

  it('stops with a sentence when the server answers the same full page every time', async () => {
    const s = await serve({ paging: 'same' });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const batch of pullRequests({ url: s.url, ...ONE_WINDOW, pageSize: 2 })) seen.push(...batch.requests.map((r) => r.service_request_id));
      })(),
    );
    expect(error.reason).toBe('paging');
    expect(error.message).toMatch(/第 2 页返回的请求与前面各页完全相同.*不支持 page\/page_size 分页/);
    expect(requestsCalls(s)).toHaveLength(2);
    expect(seen).toEqual(['r3', 'r4']);
  });

  it('stops with a sentence after maxPages full pages of a server that pages forever', async () => {
    const s = await serve({ paging: 'infinite' });
    const error = await failure(pullAll({ url: s.url, ...ONE_WINDOW, pageSize: 3, maxPages: 5 }));
    expect(error.message).toMatch(/已连续返回 5 个满页（每页 3 条）仍没有结束/);
    expect(requestsCalls(s)).toHaveLength(5);
  });

  it("warns when a window without paging answers the spec's default cap (probably cut short)", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => request(`m${i}`, '2024-06-01T09:00:00+08:00'));
    const s = await serve({ requests: many });
    const batches = await pullAll({ url: s.url, ...ONE_WINDOW });
    const warnings = batches.flatMap((b) => b.problems);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning' });
    expect(warnings[0].message).toMatch(/返回了 1000 条.*可能没有取全/);
  });
});

describe('entries that cannot be read', () => {
  it('lists an entry without an id (or not an object) as a problem each, and keeps the rest', async () => {
    const s = await serve({
      requests: [
        request('a', '2024-06-01T09:00:00+08:00'),
        { status: 'open', address: '翠屏路 8 号', requested_datetime: '2024-06-01T10:00:00+08:00' },
        42,
        request('b', '2024-06-02T09:00:00+08:00'),
      ],
    });
    const batches = await pullAll({ url: s.url, since: '2024-05-01T00:00:00+08:00', until: UNTIL });
    expect(batches.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['a', 'b']);
    const problems = batches.flatMap((b) => b.problems);
    expect(problems).toHaveLength(2);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/没有 service_request_id（地址「翠屏路 8 号」）/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/不是一个请求对象/);
  });

  it('reads a list wrapped in {"service_requests": […]}', async () => {
    const s = await serve({ body: 'wrapped' });
    const batches = await pullAll({ url: s.url, since: '2024-05-01T00:00:00+08:00', until: UNTIL });
    expect(batches.flatMap((b) => b.requests.map((r) => r.service_request_id))).toEqual(['r3', 'r4', 'r5']);
  });

  it('keeps numeric ids and coordinates given as text', async () => {
    const s = await serve({ requests: [{ ...request('x', '2024-06-01T09:00:00+08:00'), service_request_id: 1234, lat: '30.505', long: ' 106.605 ' }] });
    const [batch] = await pullAll({ url: s.url, since: '2024-05-01T00:00:00+08:00', until: UNTIL });
    expect(batch.requests[0]).toMatchObject({ service_request_id: '1234', lat: '30.505', long: '106.605' });
  });
});

describe('servers that go wrong', () => {
  const WINDOW = { since: '2024-05-01T00:00:00+08:00', until: UNTIL };

  it('says an XML answer is XML and asks for the .json endpoint', async () => {
    const s = await serve({ body: 'xml' });
    const error = await failure(pullAll({ url: s.url, ...WINDOW }));
    expect(error.reason).toBe('xml');
    expect(error.message).toMatch(/该接口返回的是 XML.*请使用 \.json 端点/);
  });

  it('recognises XML by its first character under a JSON content type', async () => {
    const s = await serve({ body: 'xml-as-json' });
    const error = await failure(fetchServices({ url: s.url }));
    expect(error.message).toMatch(/该接口返回的是 XML.*请使用 \.json 端点/);
  });

  it('says a web page is a web page (a login page, a wrong address)', async () => {
    const s = await serve({ body: 'html' });
    const error = await failure(fetchServices({ url: s.url }));
    expect(error.message).toMatch(/返回的是网页（HTML）/);
  });

  it('names the URL and the timeout of a slow server', async () => {
    const s = await serve({ delayMs: 1000 });
    const error = await failure(pullAll({ url: s.url, ...WINDOW, timeoutMs: 100 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain(`${s.url}/requests.json?`);
    expect(error.message).toMatch(/超过 0\.1 秒没有返回/);
  });

  it('stops at the whole-pull deadline', async () => {
    const s = await serve({ delayMs: 150 });
    const error = await failure(pullAll({ url: s.url, since: SINCE, until: UNTIL, timeoutMs: 5000, deadlineMs: 250 }));
    expect(error.reason).toBe('deadline');
    expect(error.message).toMatch(/整次拉取超过 0\.3 秒仍没有完成|整次拉取超过 0\.25 秒仍没有完成/);
  });

  it('stops when cancelled', async () => {
    const s = await serve({ delayMs: 1000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(fetchServices({ url: s.url, signal: controller.signal }));
    expect(error.message).toMatch(/已取消拉取/);
  });

  it.each([
    [500, /服务器出错（HTTP 500）.*稍后重试/],
    [503, /服务器出错（HTTP 503）/],
    [401, /拒绝访问（HTTP 401）.*api_key/],
    [429, /请求过于频繁（HTTP 429）/],
    [400, /拒绝了请求（HTTP 400）.*since\/until/],
  ])('says HTTP %i in a sentence', async (status, pattern) => {
    const s = await serve({ status });
    const error = await failure(pullAll({ url: s.url, ...WINDOW }));
    expect(error.status).toBe(status);
    expect(error.message).toMatch(pattern);
  });

  it('says 404 names the base address to check', async () => {
    const s = await serve();
    const error = await failure(fetchServices({ url: `${s.url}/wrong` }));
    expect(error.message).toMatch(/不存在（HTTP 404）.*基地址/);
  });

  it("quotes the server's own Open311 error, and never shows the api_key", async () => {
    const s = await serve({ apiKey: 'right-key' });
    const error = await failure(fetchServices({ url: s.url, apiKey: 'secret-wrong-key' }));
    expect(error.message).toMatch(/拒绝访问（HTTP 403）（服务器说明：403 Invalid api_key）/);
    expect(error.message).not.toContain('secret-wrong-key');
    expect(error.message).toContain('api_key=***');
    expect(error.url).not.toContain('secret-wrong-key');
  });

  it("quotes the spec's error list even when it comes with status 200", async () => {
    const s = await serve({ body: 'open311-error' });
    const error = await failure(pullAll({ url: s.url, ...WINDOW }));
    expect(error.message).toMatch(/返回了 Open311 错误：400 start_date is invalid/);
  });

  it('says invalid JSON is invalid JSON', async () => {
    const s = await serve({ body: 'invalid-json' });
    const error = await failure(pullAll({ url: s.url, ...WINDOW }));
    expect(error.reason).toBe('json');
    expect(error.message).toMatch(/返回的内容不是有效的 JSON/);
  });

  it('says when nothing answers at the address', async () => {
    const s = await serve();
    const url = s.url;
    await s.close();
    server = undefined;
    const error = await failure(fetchServices({ url }));
    expect(error.reason).toBe('network');
    expect(error.message).toMatch(/无法连接 .*请检查接口地址和网络/);
  });

  it('refuses an address that is no URL, in words', async () => {
    const error = await failure(fetchServices({ url: '311.example.gov.cn' }));
    expect(error.message).toMatch(/不是有效的网址/);
  });
});
