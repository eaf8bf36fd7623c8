/**
 * Starting the core the way both hosts do: the configured central API, or — with no configuration — the bundled
 * demo central server, started in-process on a free loopback port, with its own cache file so demo data never
 * mixes with a real district's.
 */
import path from 'node:path';
import { createBackend, type Backend, type BackendOptions } from './backend';
import { createCentralServer, type CentralServer } from './central/server';
import { apiFromEnvironment, defaultDataDir } from './config';
import type { ApiConfig } from './sync/api-client';

export interface CoreOptions extends Omit<BackendOptions, 'data'> {
  /** The central API; null or absent means the embedded demo. Defaults to the GCC_API_* environment. */
  api?: ApiConfig | null;
  dataDir?: string;
  cacheFile?: string;
  /** Demo server knobs: live events per second (default 0.05), seed. */
  demo?: { rate?: number; seed?: number | string; events?: number; resourcesDataDir?: string };
}

export interface Core {
  backend: Backend;
  demoServer: CentralServer | null;
  cacheFile: string;
  close(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const api = options.api === undefined ? apiFromEnvironment() : options.api;
  const dataDir = options.dataDir ?? defaultDataDir();
  let demoServer: CentralServer | null = null;
  let apiConfig: ApiConfig;
  if (api) {
    apiConfig = api;
  } else {
    demoServer = await createCentralServer({ port: 0, host: '127.0.0.1', rate: options.demo?.rate ?? 0.05, seed: options.demo?.seed, events: options.demo?.events, dataDir: options.demo?.resourcesDataDir });
    apiConfig = { baseUrl: demoServer.url, token: demoServer.token, label: 'demo' };
  }
  const cacheFile = options.cacheFile ?? path.join(dataDir, api ? 'cache.sqlite' : 'demo-cache.sqlite');
  const backend = createBackend({ ...options, data: { cacheFile, api: apiConfig, demo: !api } });
  return {
    backend,
    demoServer,
    cacheFile,
    async close() {
      await backend.close();
      await demoServer?.close();
    },
  };
}
