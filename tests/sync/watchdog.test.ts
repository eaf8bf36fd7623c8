/**
 * The app's follow loop: a stream that goes silent (a half-open connection, a buffering proxy) is noticed by the
 * watchdog and the engine catches up by pages; Retry-After is honoured there too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CentralEngine } from '../../central/demo/engine';
import type { SyncStatus } from '../../shared/bridge/contract';
import { server, until } from './harness';
import { engineBehind, misbehaving, onceEach, unavailable } from './misbehaving-server';

const cleanups: (() => Promise<void> | void)[] = [];
const defer = (cleanup: () => unknown) => void cleanups.push(() => void cleanup());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('follow mode', { timeout: 60_000 }, () => {
  it('a stream that goes silent is abandoned by the watchdog; the engine reconnects and catches up by pages', async () => {
    const live = new CentralEngine({ seed: 11, events: 1500, rate: 40, now: () => Date.parse('2026-11-27T12:00:00+08:00') });
    const s = await server({ engine: live });
    live.start();
    const f = await misbehaving(s.url, (r) => (r.path === '/v1/stream' ? { type: 'silent' } : { type: 'pass' }));
    const statuses: SyncStatus[] = [];
    const { db, engine } = engineBehind(f.url, {}, { streamSilenceMs: 1000 }, { status: (st) => statuses.push(st) });
    cleanups.push(
      () => live.stop(),
      () => s.close(),
      () => f.close(),
      () => void db.close(),
      () => engine.stop(),
    );
    void engine.start();
    await until(() => f.requests.some((r) => r.path === '/v1/stream'), 20_000);
    // Changes the silent stream never delivers: only pages can bring them. (The cursor is no proof: a page's
    // next_rev may already lie beyond revs the server hands out later in the same second.)
    const emitted = new Set<string>();
    defer(live.subscribe((_rev, data) => emitted.add((JSON.parse(data) as { record: { id: string } }).record.id)));
    await until(() => emitted.size >= 5, 10_000);
    const ids = [...emitted];
    const inCache = db.prepare(`SELECT count(*) FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`).pluck();
    await until(() => inCache.get(...ids) === ids.length, 40_000); // generous: CI runs suites side by side
    // The watchdog said why it gave up on the stream, in the status the wall shows while it waits to reconnect
    // (reconnecting, or offline when no contact is on record yet). Waited for rather than read at once: CI once found
    // no such status at this point (1 run in many, the suites side by side).
    await until(() => statuses.some((st) => /live stream .* silent/.test(st.message ?? '')), 20_000);
    expect(statuses.find((st) => /live stream .* silent/.test(st.message ?? ''))?.state).toMatch(/^(reconnecting|offline)$/);
    // It reconnects after catching up (with back-off: on a loaded machine that may come after the pages landed).
    await until(() => f.requests.filter((r) => r.path === '/v1/stream').length > 1, 30_000);
    // It resumed from where it was (Last-Event-ID), not from the start.
    expect(Number(f.requests.filter((r) => r.path === '/v1/stream').at(-1)!.headers['last-event-id'])).toBeGreaterThan(0);
  });

  it('honours Retry-After while following', async () => {
    const s = await server();
    const f = await misbehaving(
      s.url,
      onceEach(unavailable({ 'retry-after': '2' }), (r) => r.path === '/v1/meta'),
    );
    const { db, engine } = engineBehind(f.url);
    cleanups.push(
      () => s.close(),
      () => f.close(),
      () => void db.close(),
      () => engine.stop(),
    );
    void engine.start();
    await until(() => engine.current.state === 'live', 20_000);
    const metas = f.requests.filter((r) => r.path === '/v1/meta');
    expect(metas[1].at - metas[0].at).toBeGreaterThanOrEqual(1900);
  });
});
