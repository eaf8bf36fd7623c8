/**
 * The stream's shared tail (central/http/stream-tail.ts): many clients of one service process cost one feed read
 * per wake-up, not one each, and every client still gets every change in order, also one that resumes from far
 * behind the tail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { SqliteStore } from '../../central/store/sqlite/store';
import { posted } from './store-suite';

const TOKEN = 'tail-token';
const WHO = { tokenId: null, tokenName: 'test', source: 'test' };
const running: CentralService[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  for (const s of running.splice(0)) {
    await s.close();
    await s.store.close();
  }
});

/** An SSE client from `lastId`; returns the revs it has received so far. */
function follow(s: CentralService, lastId: number): number[] {
  const revs: number[] = [];
  const controller = new AbortController();
  aborts.push(controller);
  void (async () => {
    const res = await fetch(new URL('v1/stream', s.url), {
      headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': String(lastId) },
      signal: controller.signal,
    });
    const parser = createParser({ onEvent: (e) => e.event === 'change' && revs.push(Number(e.id)) });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  })().catch(() => {});
  return revs;
}

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the stream tail', { timeout: 60_000 }, () => {
  it('20 clients and 10 writes: every client gets every change in order, for far fewer feed reads than clients × writes', async () => {
    const store = new SqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'gcc-tail-')), 'central.sqlite'));
    await store.putRecords(
      'event',
      Array.from({ length: 30 }, (_, i) => posted({ id: `old${i}` })),
      WHO,
    );
    let reads = 0;
    const changes = store.changes.bind(store);
    store.changes = (after, limit) => (reads++, changes(after, limit));
    const s = await startCentralService({ store, token: TOKEN, heartbeatMs: 500 });
    running.push(s);

    const clients = Array.from({ length: 20 }, () => follow(s, 30));
    // One client resumes from the start: it pages from the store, then joins the tail.
    const behind = follow(s, 0);
    await until(() => s.streams() === 21 && behind.length === 30);
    const before = reads;
    for (let i = 0; i < 10; i++) {
      await store.putRecords('event', [posted({ id: `new${i}` })], WHO);
      await new Promise((r) => setTimeout(r, 30));
    }
    const expected = Array.from({ length: 10 }, (_, i) => 31 + i);
    await until(() => clients.every((revs) => revs.length === 10) && behind.length === 40);
    for (const revs of clients) expect(revs).toEqual(expected);
    expect(behind).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), ...expected]);
    // Without the tail each client reads on each wake-up: 21 × 10 and more.
    expect(reads - before).toBeLessThan(60);
  });
});
