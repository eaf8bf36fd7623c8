/**
 * The bridge contract suite: the same assertions for every transport (Electron IPC through the preload, and the
 * web host over HTTP + WebSocket). A transport passes when the renderer's BridgeClient, built on it exactly as
 * the app builds it, gets the contract's answers, errors and pushes.
 *
 * Use from a test file:
 *
 *   runBridgeContractSuite('web host', async () => ({ transport, emitPush, close }));
 *
 * The suite builds the client itself (createBridgeClient(transport, onBadPush)) so that it can see dropped pushes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../core/backend';
import { createBridgeClient, type BridgeClient, type Transport } from '../../shared/bridge/client';
import { AppInfo, BridgeError, BridgeErrorBody, SyncStatus, type PushName, type RequestName } from '../../shared/bridge/contract';

export interface BridgeContractTarget {
  /** The transport under test, made the way the renderer makes it. */
  transport: Transport;
  /** Make the host publish a push exactly as the backend would (see createPushableBackend). */
  emitPush(name: string, payload: unknown): void | Promise<void>;
  /** Tear the host and transport down. */
  close(): Promise<void>;
}

export interface BridgeContractOptions {
  /** How long a push may take to arrive (default 5 s). */
  pushTimeoutMs?: number;
}

/** A valid sync.status push. */
export const SAMPLE_STATUS: SyncStatus = {
  state: 'live',
  source: 'http://127.0.0.1:8787',
  demo: true,
  lastContact: '2026-11-27T21:00:00+08:00',
  progress: null,
  retryInSeconds: null,
  quarantined: 0,
  message: null,
  problem: null,
};

export interface PushableBackend extends Backend {
  /** Publish a push through the backend's own push stream, as the sync engine will. Not validated on purpose. */
  emit(name: string, payload: unknown): void;
}

/** Wraps a real backend so a test can make it push anything (including malformed payloads). */
export function createPushableBackend(inner: Backend): PushableBackend {
  type Listener = (name: PushName, payload: never) => void;
  const listeners = new Set<Listener>();
  const publish = (name: string, payload: unknown) => {
    for (const listener of [...listeners]) listener(name as PushName, payload as never);
  };
  const stopInner = inner.onPush((name, payload) => publish(name, payload));
  return {
    handlers: inner.handlers,
    onPush(listener) {
      const wrapped: Listener = (name, payload) => listener(name, payload);
      listeners.add(wrapped);
      return () => {
        listeners.delete(wrapped);
      };
    },
    emit: publish,
    async close() {
      stopInner();
      listeners.clear();
      await inner.close();
    },
  };
}

/** The error a raw transport call rejected with, as a contract error body. */
async function rawRefusal(pending: Promise<unknown>): Promise<BridgeErrorBody> {
  let failure: unknown;
  try {
    const value = await pending;
    throw new Error(`expected the host to refuse, but it answered ${JSON.stringify(value)}`);
  } catch (error) {
    failure = error;
  }
  if (failure instanceof BridgeError) return failure.toBody();
  const body = BridgeErrorBody.safeParse(failure);
  if (!body.success) throw new Error(`the transport rejected with something that is not a bridge error: ${String(failure)}`);
  return body.data;
}

async function clientRefusal(pending: Promise<unknown>): Promise<BridgeError> {
  const error = await pending.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BridgeError);
  return error as BridgeError;
}

const MALFORMED_ECHO: [string, unknown, string | null][] = [
  ['text is a number', { text: 5 }, 'text'],
  ['an extra key', { text: 'hi', extra: 1 }, null],
  ['text too long', { text: 'x'.repeat(201) }, 'text'],
  ['text missing', {}, 'text'],
  ['not an object', ['hi'], null],
];

export function runBridgeContractSuite(label: string, makeTarget: () => Promise<BridgeContractTarget>, options: BridgeContractOptions = {}): void {
  const pushTimeoutMs = options.pushTimeoutMs ?? 5000;

  describe(`bridge contract over ${label}`, () => {
    let target: BridgeContractTarget;
    let client: BridgeClient;
    let dropped: { name: string; error: BridgeError }[];

    beforeEach(async () => {
      target = await makeTarget();
      dropped = [];
      client = createBridgeClient(target.transport, (name, error) => dropped.push({ name, error }));
    });
    afterEach(async () => {
      await target.close();
    });

    /**
     * Emit `payloads` in order, again every 50 ms, until `done()` (a transport may still be connecting when the
     * first round goes out; pushes are not queued for absent listeners, on either host).
     */
    async function pushUntil(payloads: [string, unknown][], done: () => boolean) {
      const deadline = Date.now() + pushTimeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`no push arrived within ${pushTimeoutMs} ms`);
        for (const [name, payload] of payloads) await target.emitPush(name, payload);
        const until = Date.now() + 50;
        while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }

    it('app.info answers with the contract reply, naming this host', async () => {
      const info = await client.request('app.info', {});
      expect(AppInfo.safeParse(info).success).toBe(true);
      expect(info.host).toBe(target.transport.kind);
      expect(info.name).toBe('Grid Command Center');
      expect(info.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    });

    it('app.echo round-trips text, Chinese included', async () => {
      const text = '网格指挥中心 bridge ✓';
      const reply = await client.request('app.echo', { text });
      expect(reply.text).toBe(text);
      expect(typeof reply.at).toBe('string');
    });

    it('sync.status answers with a valid status', async () => {
      expect(SyncStatus.safeParse(await client.request('sync.status', {})).success).toBe(true);
    });

    it.each(MALFORMED_ECHO)('a malformed payload (%s) is refused by the client with invalid_payload', async (_what, payload, field) => {
      const error = await clientRefusal(client.request('app.echo', payload as never));
      expect(error.code).toBe('invalid_payload');
      expect(error.message).toMatch(/Request "app\.echo" was refused/);
      if (field) expect(error.issues?.map((issue) => issue.path)).toContain(field);
    });

    it.each(MALFORMED_ECHO)('a malformed payload (%s) sent past the client is refused by the host with invalid_payload', async (_what, payload, field) => {
      const body = await rawRefusal(target.transport.request('app.echo', payload));
      expect(body.code).toBe('invalid_payload');
      expect(body.message).toMatch(/Request "app\.echo" was refused/);
      if (field) expect(body.issues?.map((issue) => issue.path)).toContain(field);
    });

    it('a payload for a request that takes none is refused when it carries keys', async () => {
      const body = await rawRefusal(target.transport.request('app.info', { admin: true }));
      expect(body.code).toBe('invalid_payload');
    });

    it.each(['cache.drop', '__proto__', 'constructor', 'app.info.extra'])('an unknown request (%s) is refused with unknown_request', async (name) => {
      const body = await rawRefusal(target.transport.request(name as RequestName, {}));
      expect(body.code).toBe('unknown_request');
    });

    it('a push from the host reaches a subscriber, validated (unknown keys stripped)', async () => {
      const received: unknown[] = [];
      client.on('sync.status', (status) => received.push(status));
      await pushUntil([['sync.status', { ...SAMPLE_STATUS, smuggled: 'x' }]], () => received.length > 0);
      expect(received[0]).toEqual(SAMPLE_STATUS);
      expect(dropped).toEqual([]);
    });

    it('a malformed push is dropped and reported; good pushes after it still arrive', async () => {
      const received: unknown[] = [];
      client.on('sync.status', (status) => received.push(status));
      const bad = { ...SAMPLE_STATUS, state: 'exploded', quarantined: -1 };
      await pushUntil(
        [
          ['sync.status', bad],
          ['sync.status', SAMPLE_STATUS],
        ],
        () => received.length > 0,
      );
      for (const status of received) expect(status).toEqual(SAMPLE_STATUS);
      expect(dropped.length).toBeGreaterThan(0);
      expect(dropped[0]!.name).toBe('sync.status');
      expect(dropped[0]!.error.code).toBe('invalid_reply');
    });

    it('an unsubscribed listener hears nothing more', async () => {
      const kept: unknown[] = [];
      const removed: unknown[] = [];
      client.on('sync.status', (status) => kept.push(status));
      const off = client.on('sync.status', (status) => removed.push(status));
      off();
      await pushUntil([['sync.status', SAMPLE_STATUS]], () => kept.length > 0);
      expect(removed).toEqual([]);
    });
  });
}
