/** Shared bits for the demo central server's tests. */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CentralEngine, type EngineOptions } from '../../central/demo/engine';

/** The clock the generator tests run at: a Friday evening in late November 2026 (ISO week 48). */
export const FIXED_NOW = Date.parse('2026-11-27T18:00:00+08:00');

export function engineAt(options: EngineOptions = {}): CentralEngine {
  return new CentralEngine({ seed: 1, rate: 0, now: () => FIXED_NOW, prefetch: false, ...options });
}

/** Every item of the feed from `after`, page by page. */
export function* feed(engine: CentralEngine, after = 0, limit = 5000): Generator<{ rev: number; data: string }> {
  let cursor = after;
  for (;;) {
    const page = engine.page(cursor, limit);
    yield* page.items;
    if (!page.has_more) return;
    cursor = page.next_rev;
  }
}

export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** A minimal SSE client over fetch: collects events until stopped; exposes comments too. */
export function openStream(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const controller = new AbortController();
  let closedByServer = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const ready = fetch(url, { headers, signal: controller.signal }).then(async (res) => {
    const parser = createParser({
      onEvent: (e: EventSourceMessage) => events.push({ event: e.event, id: e.id, data: e.data }),
      onComment: (c) => comments.push(c),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            closedByServer = true;
            break;
          }
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted by us
      }
      resolveClosed();
    })();
    return res;
  });
  return {
    events,
    comments,
    ready,
    closed,
    get closedByServer() {
      return closedByServer;
    },
    stop: () => controller.abort(),
    async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
      const start = Date.now();
      while (!predicate()) {
        if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for stream events');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
