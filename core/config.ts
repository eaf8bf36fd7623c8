/**
 * Where the app's data lives and which central API it syncs from. Secrets come from the environment or a file,
 * never from a command line that `ps` shows, and are never logged. With no API configured the app runs on the
 * bundled demo central server.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiConfig } from './sync/api-client';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GCC_DATA_DIR ?? path.join(os.homedir(), '.grid-command-center');
}

export function defaultCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.GCC_CACHE ?? path.join(defaultDataDir(env), 'cache.sqlite');
}

/** The configured central API, or null for the embedded demo. */
export function apiFromEnvironment(env: NodeJS.ProcessEnv = process.env): ApiConfig | null {
  const baseUrl = env.GCC_API_URL;
  if (!baseUrl) return null;
  return {
    baseUrl,
    token: readToken(env),
    caFile: env.GCC_CA_FILE || undefined,
    proxy: env.GCC_PROXY || env.HTTPS_PROXY || undefined,
  };
}

export function readToken(env: NodeJS.ProcessEnv = process.env, file?: string): string {
  const tokenFile = file ?? env.GCC_API_TOKEN_FILE;
  if (tokenFile) return readFileSync(tokenFile, 'utf8').trim();
  const token = env.GCC_API_TOKEN;
  if (!token) throw new Error('GCC_API_URL is set but no token: set GCC_API_TOKEN or GCC_API_TOKEN_FILE.');
  return token;
}
