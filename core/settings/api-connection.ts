/**
 * Where the central API connection entered on the Settings page is kept. The core never stores the token itself:
 * a host that can keep a secret injects a store (Electron: safeStorage, electron/main/api-settings.ts); a host
 * without one (the web host) takes the connection from its environment only.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { BridgeError } from '../../shared/bridge/contract';
import type { ApiConnectionInput } from '../../shared/settings';
import type { ApiConfig } from '../sync/api-client';

/** A stored connection as Settings may show it: never the token, only whether one is stored. */
export interface StoredApiConnection {
  baseUrl: string;
  tokenSet: boolean;
  caFile: string | null;
  proxy: string | null;
}

export interface ApiConnectionStore {
  /** Null when nothing is stored (or what is stored cannot be read). */
  describe(): StoredApiConnection | null;
  /** The stored connection with its token, or null; throws a sentence when it is stored but cannot be read. */
  load(): ApiConfig | null;
  /** Keeps a connection; an omitted token keeps the stored one. Throws a BridgeError naming the field. */
  save(input: ApiConnectionInput): void;
  /** False where a token cannot be kept secret (no OS keychain): then nothing can be saved. */
  canKeepSecrets(): boolean;
}

export const NO_API_STORE =
  'This host keeps no central API settings: the web host takes the central API from the environment (GCC_API_URL, with the token in the file named by GCC_API_TOKEN_FILE, and GCC_CA_FILE / GCC_PROXY if needed). Set them and restart the web host.';

export const NO_SECRET_STORAGE =
  'This computer offers no secure storage for the token (no keychain or secret service), so the central API cannot be set here; set GCC_API_URL and GCC_API_TOKEN_FILE instead and restart the app.';

/** A CA file the sync would fail to read is refused before anything is stored. */
export function checkCaFile(file: string | undefined): void {
  if (!file) return;
  try {
    accessSync(file, constants.R_OK);
    if (!/-----BEGIN CERTIFICATE-----/.test(readFileSync(file, 'utf8'))) throw new Error('no PEM certificate in it');
  } catch (error) {
    const message = `The CA file ${file} cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the full path of a PEM certificate file on this computer.`;
    throw new BridgeError({ code: 'invalid_payload', message, issues: [{ path: 'caFile', message }] });
  }
}
