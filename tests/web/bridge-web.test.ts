/**
 * The bridge contract suite over the web transport: the renderer's web transport (fetch + WebSocket, as in the
 * browser) → the real web host → the core backend. The same suite runs over Electron IPC in tests/electron.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createBackend } from '../../core/backend';
import { createWebTransport } from '../../renderer/src/common/bridge/web-transport';
import { startWebHost } from '../../web/server';
import { createPushableBackend, runBridgeContractSuite } from '../contract/bridge-contract';

// Node 20 has fetch but no WebSocket global; the browser has both.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const rendererDir = mkdtempSync(path.join(tmpdir(), 'gcc-renderer-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');

runBridgeContractSuite('web host (HTTP + WebSocket)', async () => {
  const backend = createPushableBackend(createBackend({ host: 'web', version: '0.0.0-test' }));
  const host = await startWebHost({ backend, rendererDir, port: 0 });
  const transport = createWebTransport(new URL(host.url));
  return {
    transport,
    emitPush: (name, payload) => backend.emit(name, payload),
    close: async () => {
      transport.close?.();
      await host.close();
    },
  };
});
