/**
 * The core as both hosts see it: bridge handlers plus a stream of pushes. Everything here is plain Node;
 * the Electron main process and the web host each wrap it in their own transport.
 */
import { EventEmitter } from 'node:events';
import type { BridgeHandlers, HostKind, Push, PushName, SyncStatus } from '../shared/bridge/contract';

export interface Backend {
  readonly handlers: BridgeHandlers;
  onPush(listener: <N extends PushName>(name: N, payload: Push<N>) => void): () => void;
  close(): Promise<void>;
}

export interface BackendOptions {
  host: HostKind;
  version: string;
  locale?: 'zh-CN' | 'en-US';
  /** Role of the connection the handlers serve (web host viewers are read-only). */
  role?: 'viewer' | 'operator';
}

export function createBackend(options: BackendOptions): Backend {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let status: SyncStatus = {
    state: 'idle',
    source: '',
    demo: true,
    lastContact: null,
    progress: null,
    retryInSeconds: null,
    quarantined: 0,
    message: null,
  };

  const handlers: BridgeHandlers = {
    'app.info': async () => ({
      name: 'Grid Command Center',
      version: options.version,
      host: options.host,
      now: isoNow(),
      locale: options.locale ?? 'zh-CN',
      districtName: '广安区',
      role: options.role ?? 'operator',
    }),
    'app.echo': async ({ text }) => ({ text, at: isoNow() }),
    'sync.status': async () => status,
  };

  return {
    handlers,
    onPush(listener) {
      const wrapped = (name: PushName, payload: unknown) => listener(name, payload as never);
      emitter.on('push', wrapped);
      return () => emitter.off('push', wrapped);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };

  // Keep the helper reachable for later wiring of the sync engine.
  function publishStatus(next: SyncStatus) {
    status = next;
    emitter.emit('push', 'sync.status', status);
  }
  void publishStatus;
}

/** ISO 8601 in Asia/Shanghai with its +08:00 offset, the form every time in the app takes. */
export function isoNow(date = new Date()): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return shifted.toISOString().replace('Z', '+08:00');
}
