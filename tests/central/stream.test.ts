/**
 * The live stream: SSE ids are revs, Last-Event-ID resumes without a gap, a too-old id gets `event: resync`,
 * heartbeats flow, and the live rate produces changes that the paged feed also lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, Change, ChangesPage, ResyncNotice, SAFE_CRITERIA } from '../../shared/api/schemas';
import { Rng } from '../../central/demo/prng';
import { dayOf, quarterIndexOfDay } from '../../central/demo/time';
import type { CentralEngine } from '../../central/demo/engine';
import { createCentralServer, type CentralServer } from '../../central/demo/server';
import { engineAt, openStream } from './helpers';

const auth = { authorization: 'Bearer demo-token' };
let engine: CentralEngine;
let server: CentralServer;
const streamUrl = () => new URL('/v1/stream', server.url).toString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // A small retained window so that "too old" can be reached in a test.
  engine = engineAt({ rate: 60, streamWindow: 150 });
  server = await createCentralServer({ engine, heartbeatMs: 150 });
});
afterAll(async () => {
  await server.close();
  engine.stop();
});

describe('GET /v1/stream', () => {
  it('sends `event: change` with id = rev, in strictly increasing order, at about the live rate', async () => {
    const s = openStream(streamUrl(), auth);
    const res = await s.ready;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const t0 = Date.now();
    await sleep(1000);
    s.stop();
    const elapsed = (Date.now() - t0) / 1000;
    const changes = s.events.filter((e) => e.event === 'change');
    // 60 changes per second asked: allow for timer slack on a busy machine.
    expect(changes.length).toBeGreaterThan(20 * elapsed);
    let last = 0;
    for (const e of changes) {
      const change = Change.parse(JSON.parse(e.data));
      expect(change.rev).toBe(Number(e.id));
      expect(change.rev).toBeGreaterThan(last);
      last = change.rev;
    }
    // Cases move through their stages: the same id comes back with a later stage.
    const ids = changes.map((e) => (JSON.parse(e.data) as Change).record.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it('replays what was missed after Last-Event-ID, then follows live, with no gap', async () => {
    const control = openStream(streamUrl(), auth);
    await control.ready;
    const first = openStream(streamUrl(), auth);
    await first.ready;
    await first.waitFor(() => first.events.length >= 5);
    first.stop();
    const lastSeen = Number(first.events[first.events.length - 1].id);
    await sleep(400); // changes happen while we are away
    const second = openStream(streamUrl(), { ...auth, 'last-event-id': String(lastSeen) });
    await second.ready;
    await second.waitFor(() => second.events.length >= 40);
    await sleep(200);
    second.stop();
    control.stop();
    const resumed = second.events.map((e) => Number(e.id));
    expect(resumed[0]).toBeGreaterThan(lastSeen);
    // Everything the control connection saw after lastSeen, up to where the second stopped, arrived exactly once.
    const upTo = resumed[resumed.length - 1];
    const expected = control.events.map((e) => Number(e.id)).filter((r) => r > lastSeen && r <= upTo);
    expect(expected.length).toBeGreaterThan(10);
    expect(resumed.filter((r) => r <= expected[expected.length - 1])).toEqual(expected);
  });

  it('also resumes from ?last_event_id=', async () => {
    const head = engine.headRev;
    await sleep(200);
    const s = openStream(`${streamUrl()}?last_event_id=${head}`, auth);
    await s.ready;
    await s.waitFor(() => s.events.length >= 3);
    s.stop();
    expect(Number(s.events[0].id)).toBeGreaterThan(head);
  });

  it('answers a too-old Last-Event-ID with `event: resync` and closes', async () => {
    const s = openStream(streamUrl(), { ...auth, 'last-event-id': '1' });
    await s.ready;
    await s.closed;
    expect(s.closedByServer).toBe(true);
    expect(s.events).toHaveLength(1);
    expect(s.events[0].event).toBe('resync');
    const notice = ResyncNotice.parse(JSON.parse(s.events[0].data));
    expect(notice.reason).toBe('cursor_too_old');
    expect(notice.oldest_rev).toBe(engine.oldestStreamRev);
    expect(notice.message).toMatch(/re-sync/);
  });

  it('drops the oldest changes from its window and then sends resync for ids before it', async () => {
    const s = openStream(streamUrl(), auth);
    await s.ready;
    await s.waitFor(() => s.events.length >= 3);
    s.stop();
    const early = Number(s.events[0].id);
    // 150 retained at 60/s: after a few seconds the window has moved past `early`.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (engine.oldestStreamRev > early) {
          clearInterval(t);
          resolve();
        }
      }, 100);
    });
    const meta = (await (await fetch(new URL('/v1/meta', server.url), { headers: auth })).json()) as { oldest_stream_rev: number };
    expect(meta.oldest_stream_rev).toBeGreaterThan(early);
    const late = openStream(streamUrl(), { ...auth, 'last-event-id': String(early) });
    await late.ready;
    await late.closed;
    expect(late.events[0].event).toBe('resync');
    // Paging catches up instead: the feed lists each live case once, at its latest rev.
    const page = ChangesPage.parse(await (await fetch(new URL(`/v1/changes?after_rev=${early}&limit=5000`, server.url), { headers: auth })).json());
    const ids = page.items.map((i) => Change.parse(i).record.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(20);
  }, 30_000);

  it('sends heartbeat comments', async () => {
    const s = openStream(streamUrl(), auth);
    await s.ready;
    await s.waitFor(() => s.comments.some((c) => c.includes('heartbeat')), 3000);
    s.stop();
  });

  it('needs the token, and says so', async () => {
    const res = await fetch(streamUrl());
    expect(res.status).toBe(401);
    expect(ApiError.parse(await res.json()).message).toMatch(/no token/);
    const bad = await fetch(streamUrl(), { headers: { ...auth, 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
  });

  it('makes its occasional critical incident on a grid that loses the safe-grid title this quarter', () => {
    const quarter = quarterIndexOfDay(dayOf(engine.nowSec()));
    const broken = engine.safety.get(quarter).broken;
    const rng = new Rng(7);
    for (let i = 0; i < 50; i++) {
      const core = engine.history.liveCore(`T${i}`, 0x40000000 + i, engine.nowSec(), rng, true);
      const change = Change.parse(JSON.parse(engine.history.liveChangeJson(core, 0, 1)));
      if (change.type !== 'event') throw new Error('expected an event');
      expect(change.record).toMatchObject({ kind: 'incident', severity: 'critical', stage: 'reported' });
      const criterion = change.record.criterion;
      expect(criterion).not.toBeNull();
      expect(broken[core.grid] & (1 << SAFE_CRITERIA.indexOf(criterion!))).not.toBe(0);
    }
  });
});
