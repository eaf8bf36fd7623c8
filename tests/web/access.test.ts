/**
 * The web host's access rules over real HTTP and WebSocket: tokens off loopback, operator and viewer roles, the
 * 403 sentence, the role app.info reports, and personal data that reaches viewers only masked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openCache } from '../../core/cache/database';
import { REQUEST_ACCESS } from '../../shared/bridge/access';
import { requestNames, type RequestName } from '../../shared/bridge/contract';
import type { EventSummary, GridDetail } from '../../shared/bridge/scene';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { maskName } from '../../shared/privacy';
import { createPushableBackend, type PushableBackend } from '../contract/bridge-contract';
import { bearer, dataBackend, districtWithPeople, hostPool, leaks, makeRendererDir, PEOPLE, post, rawRequest } from './helpers';

const OPERATOR = 'operator-token-0123';
const VIEWER = 'viewer-token-4567';
const pool = hostPool(makeRendererDir());

/** A minimal valid payload of every request, so that a refusal can only come from the role. */
const SAMPLE: Record<RequestName, unknown> = {
  'app.info': {},
  'app.echo': { text: 'hi' },
  'sync.status': {},
  'scene.snapshot': { window: { preset: 'today' } },
  'map.regions': {},
  'regions.list': {},
  'grid.detail': { gridId: 'g1' },
  'briefing.get': {},
  'briefing.cases': {},
  'report.template': {},
  'report.export': { format: 'xlsx' },
  'report.audit': {},
  'settings.get': {},
  'settings.update': { alertSound: true },
  'settings.api': { baseUrl: 'https://api.example/' },
  'import.list': {},
  'import.start': { source: 'disputes', upload: '00000000-0000-4000-8000-000000000000', fileName: '台账.xlsx' },
  'import.open311': { url: 'https://311.example/open311/v2' },
  'import.get': { id: 'i1' },
  'import.regions': { id: 'i1' },
  'import.commit': { id: 'i1', acceptWarnings: false, deleteMissing: false },
  'import.discard': { id: 'i1' },
  'import.template': { source: 'disputes' },
  'import.token': { token: null },
};

describe('web host roles and tokens', () => {
  afterEach(() => pool.closeAll());

  it('will not open to the network without an operator token, nor take a viewer token alone or equal to it', async () => {
    await expect(pool.start({ host: '0.0.0.0' })).rejects.toThrow(/no access token was given/);
    await expect(pool.start({ host: '0.0.0.0', viewerToken: VIEWER })).rejects.toThrow(/no access token was given/);
    await expect(pool.start({ viewerToken: VIEWER })).rejects.toThrow(/needs an operator token/);
    await expect(pool.start({ token: OPERATOR, viewerToken: OPERATOR })).rejects.toThrow(/must differ from the operator token/);
  });

  it('listening on the network, answers nothing but /healthz without a token', async () => {
    const host = await pool.start({ host: '0.0.0.0', token: OPERATOR, viewerToken: VIEWER });
    const base = `http://127.0.0.1:${host.port}/`;
    for (const url of [base, `${base}assets/app.js`, `${base}bridge/app.info`]) {
      const response = await fetch(url, { method: url.includes('bridge') ? 'POST' : 'GET' });
      expect(response.status, url).toBe(401);
      expect((await response.json()).error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/needs an access token/) });
    }
    expect((await fetch(`${base}healthz`)).status).toBe(200);
    expect((await post(`${base}bridge/app.info`, '{}', bearer(OPERATOR))).status).toBe(200);
  });

  it('on loopback without a token everyone is an operator (a local staff member)', async () => {
    const host = await pool.start();
    const info = await (await post(`${host.url}bridge/app.info`, '{}')).json();
    expect(info.reply.role).toBe('operator');
    for (const name of requestNames.filter((n) => REQUEST_ACCESS[n] === 'operator')) {
      // Refusals here come from the core (no cache, no API settings on the web host), never from the role.
      const body = await (await post(`${host.url}bridge/${name}`, JSON.stringify(SAMPLE[name]))).json();
      expect(body.ok ? '' : body.error.message, name).not.toMatch(/is for operators/);
    }
  });

  it('refuses every operator request to a viewer with 403 and a sentence, and answers every viewer request', async () => {
    const host = await pool.start({ token: OPERATOR, viewerToken: VIEWER });
    for (const name of requestNames) {
      const response = await post(`${host.url}bridge/${name}`, JSON.stringify(SAMPLE[name]), bearer(VIEWER));
      if (REQUEST_ACCESS[name] === 'operator') {
        expect(response.status, name).toBe(403);
        expect((await response.json()).error, name).toEqual({
          code: 'forbidden',
          message: `"${name}" is for operators, and this connection is read-only (a viewer token). Ask the command center for an operator token.`,
        });
      } else {
        // No data cache behind this host: data requests are unavailable (503), never forbidden.
        expect([200, 503], name).toContain(response.status);
      }
    }
  });

  it('classifies the requests the read-only wall needs as viewer, and nothing else', () => {
    expect(requestNames.filter((n) => REQUEST_ACCESS[n] === 'viewer').sort()).toEqual(
      ['app.echo', 'app.info', 'briefing.get', 'grid.detail', 'map.regions', 'regions.list', 'scene.snapshot', 'settings.get', 'sync.status'].sort(),
    );
    expect(Object.keys(REQUEST_ACCESS).sort()).toEqual([...requestNames].sort());
  });

  it("app.info reports the connection's real role, by bearer token and by the cookie ?token= sets", async () => {
    const host = await pool.start({ token: OPERATOR, viewerToken: VIEWER });
    const roleWith = async (headers: Record<string, string>) => (await (await post(`${host.url}bridge/app.info`, '{}', headers)).json()).reply.role;
    expect(await roleWith(bearer(OPERATOR))).toBe('operator');
    expect(await roleWith(bearer(VIEWER))).toBe('viewer');
    const first = await fetch(`${host.url}?token=${VIEWER}`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toBe(`gcc_token=${VIEWER}`);
    expect(await roleWith({ cookie })).toBe('viewer');
    const forbidden = await post(`${host.url}bridge/report.export`, '{}', { cookie });
    expect(forbidden.status).toBe(403);
    // The redirect that drops ?token= stays on this host, however the path starts.
    for (const start of ['//evil.example/', '/\\evil.example/', '/%2fevil.example/']) {
      const redirect = await rawRequest(`${host.url.slice(0, -1)}${start}?wall=1&token=${VIEWER}`);
      expect(redirect.status, start).toBe(302);
      expect(redirect.headers.location, start).toMatch(/^\/[^/\\]/);
      expect(redirect.headers.location, start).toContain('?wall=1');
    }
  });

  it('without a token, answers only to loopback names and to its own pages (no DNS rebinding, no cross-site use)', async () => {
    const host = await pool.start();
    const rebound = await rawRequest(`${host.url}bridge/app.info`, {
      method: 'POST',
      headers: { host: `evil.example:${host.port}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).error.message).toMatch(/answers only to addresses of this computer/);
    const local = await rawRequest(`${host.url}bridge/app.info`, {
      method: 'POST',
      headers: { host: `localhost:${host.port}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(local.status).toBe(200);
    const crossSite = await post(`${host.url}bridge/app.info`, '{}', { origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).error.message).toMatch(/Pages from other sites/);
    const sameSite = await post(`${host.url}bridge/app.info`, '{}', { origin: host.url.slice(0, -1) });
    expect(sameSite.status).toBe(200);
    const socketStatus = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${host.url.replace('http', 'ws')}bridge/events`, { origin: 'http://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(socketStatus).toBe(403);
  });
});

describe('personal data and viewers', () => {
  let people: ReturnType<typeof districtWithPeople>;
  let backend: PushableBackend;
  let base: string;
  let gridId: string;

  beforeAll(async () => {
    people = districtWithPeople();
    const { db } = openCache(people.file);
    gridId = db.prepare("SELECT grid_id FROM events WHERE stage <> 'closed' GROUP BY grid_id ORDER BY count(*) DESC LIMIT 1").pluck().get() as string;
    db.close();
    backend = createPushableBackend(dataBackend(people.file));
    base = (await pool.start({ backend, token: OPERATOR, viewerToken: VIEWER })).url;
  });
  afterAll(() => pool.closeAll());

  const ask = async (name: RequestName, payload: unknown, token: string) => {
    const response = await post(`${base}bridge/${name}`, JSON.stringify(payload), bearer(token));
    expect(response.status, name).toBe(200);
    return { text: await response.clone().text(), reply: (await response.json()).reply };
  };

  it('grid.detail: a viewer gets the grid leader, the grid worker and the cases masked; an operator sees the names', async () => {
    const viewer = await ask('grid.detail', { gridId }, VIEWER);
    const detail = viewer.reply as GridDetail;
    expect(detail.openCases.length).toBeGreaterThan(0);
    expect(detail.profile).toMatchObject({ leader: maskName(PEOPLE.leader), full_time_worker: maskName(PEOPLE.worker) });
    expect(detail.openCases.every((c) => c.title.includes('138****5678'))).toBe(true);
    expect(detail.openCases.every((c) => /^(\S\*{1,3})?( ?\d{3}\*+\d{4})?$/.test(c.reporter))).toBe(true);
    expect(leaks(viewer.text, people)).toEqual([]);

    const operator = await ask('grid.detail', { gridId }, OPERATOR);
    expect((operator.reply as GridDetail).profile).toMatchObject({ leader: PEOPLE.leader, full_time_worker: PEOPLE.worker });
  });

  it('scene.snapshot and briefing.get: nothing unmasked reaches a viewer', async () => {
    for (const preset of ['today', 'week', 'month', 'year']) {
      const { text, reply } = await ask('scene.snapshot', { window: { preset } }, VIEWER);
      expect(leaks(text, people), preset).toEqual([]);
      if (preset === 'year') expect((reply as { recent: unknown[] }).recent.length).toBeGreaterThan(0);
    }
    const briefing = await ask('briefing.get', {}, VIEWER);
    expect(briefing.reply.exceptions.overdue.cases.length).toBeGreaterThan(0);
    expect(leaks(briefing.text, people)).toEqual([]);
  });

  it('settings.get: a viewer sees the watermark name masked and no folders of the host', async () => {
    const update = await post(`${base}bridge/settings.update`, JSON.stringify({ watermark: { enabled: true, operator: '赵铁柱' } }), bearer(OPERATOR));
    expect(update.status).toBe(200);
    const viewer = await ask('settings.get', {}, VIEWER);
    expect(viewer.reply.settings.watermark).toEqual({ enabled: true, operator: '赵**' });
    expect(viewer.reply.logFolder).toBeNull();
    const operator = await ask('settings.get', {}, OPERATOR);
    expect(operator.reply.settings.watermark.operator).toBe('赵铁柱');
  });

  it('pushes: a viewer WebSocket gets scene.delta and settings.changed masked, an operator WebSocket as sent', async () => {
    const sample = ((await ask('grid.detail', { gridId }, OPERATOR)).reply as GridDetail).openCases[0];
    const event: EventSummary = { ...sample, title: '噪音扰民，回电13812345678', reporter: '张三丰 13987654321' };
    const delta = { seq: 1, events: [event], removed: [], grids: [], totalsChanged: true, referenceChanged: false };
    const settings = { ...DEFAULT_SETTINGS, watermark: { enabled: true, operator: '赵铁柱' } };
    const received = { viewer: new Map<string, unknown>(), operator: new Map<string, unknown>() };
    const sockets = (['viewer', 'operator'] as const).map((role) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}bridge/events`, { headers: bearer(role === 'viewer' ? VIEWER : OPERATOR) });
      socket.on('message', (data) => {
        const { name, payload } = JSON.parse(String(data));
        received[role].set(name, payload);
      });
      return socket;
    });
    const deadline = Date.now() + 5000;
    while (received.viewer.size < 2 || received.operator.size < 2) {
      if (Date.now() > deadline) throw new Error('pushes did not arrive');
      backend.emit('scene.delta', delta);
      backend.emit('settings.changed', settings);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const socket of sockets) socket.close();

    const viewerEvent = (received.viewer.get('scene.delta') as typeof delta).events[0];
    expect(viewerEvent).toMatchObject({ title: '噪音扰民，回电138****5678', reporter: '张** 139****4321' });
    expect((received.viewer.get('settings.changed') as typeof settings).watermark.operator).toBe('赵**');
    expect((received.operator.get('scene.delta') as typeof delta).events[0]).toMatchObject({ title: event.title, reporter: event.reporter });
    expect((received.operator.get('settings.changed') as typeof settings).watermark.operator).toBe('赵铁柱');
  });
});
