/**
 * The renderer's one bridge client. The transport is chosen once, at start: the Electron preload's API if it is
 * there, the web host otherwise. Nothing else in the renderer knows which host it runs under.
 */
import { createBridgeClient, type BridgeClient, type Transport } from '../../../../shared/bridge/client';
import { PRELOAD_GLOBAL, type PreloadApi } from '../../../../shared/bridge/preload-api';
import { createIpcTransport } from './ipc-transport';
import { createWebTransport } from './web-transport';

let client: BridgeClient | undefined;

export function pickTransport(global: Record<string, unknown> = window as unknown as Record<string, unknown>): Transport {
  const preload = global[PRELOAD_GLOBAL] as PreloadApi | undefined;
  return preload && preload.host === 'electron' ? createIpcTransport(preload) : createWebTransport();
}

export function useBridge(): BridgeClient {
  client ??= createBridgeClient(pickTransport(), (name, error) => console.warn(`bridge push ${name} refused:`, error.message));
  return client;
}

/** Tests inject their own client. */
export function setBridge(next: BridgeClient | undefined): void {
  client = next;
}
