/**
 * Bridge transport for the web host: requests are POST /bridge/<name>, pushes arrive on the /bridge/events
 * WebSocket, which reconnects with capped backoff so a wall survives the host restarting.
 */
import type { Transport } from '../../../../shared/bridge/client';

/** A bridge answer of the web host: the reply, or its error thrown. */
async function answer(response: Response): Promise<unknown> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw { code: 'unavailable', message: `The web host answered ${response.status} without a readable body.` };
  }
  const result = body as { ok?: boolean; reply?: unknown; error?: unknown };
  if (result.ok === true) return result.reply;
  throw result.error ?? { code: 'internal', message: `The web host answered ${response.status}.` };
}

export function createWebTransport(base: URL = new URL('./', window.location.href)): Transport {
  const pushListeners = new Set<(name: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let connected = false;
  let attempt = 0;
  let closed = false;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    const url = new URL('bridge/events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      setConnected(true);
    };
    socket.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (typeof data !== 'object' || data === null || !('name' in data)) return;
      const { name, payload } = data as { name: unknown; payload: unknown };
      for (const listener of pushListeners) listener(String(name), payload);
    };
    // A failed or aborted connection also fires close, which is where reconnecting happens.
    socket.onerror = () => {};
    socket.onclose = () => {
      setConnected(false);
      if (closed) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt++) * (0.75 + Math.random() * 0.5);
      retry = setTimeout(connect, delay);
    };
  };
  connect();

  return {
    kind: 'web',
    async request(name, payload) {
      return answer(
        await fetch(new URL(`bridge/${encodeURIComponent(name)}`, base), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload ?? {}),
          credentials: 'same-origin',
        }),
      );
    },
    // The file itself is the body (streamed by the browser, never read into the page's memory).
    async upload(file) {
      return answer(
        await fetch(new URL('bridge/upload', base), {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: file as Blob,
          credentials: 'same-origin',
        }),
      );
    },
    onPush(listener) {
      pushListeners.add(listener);
      return () => pushListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}
