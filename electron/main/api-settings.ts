/**
 * The desktop app's central-API connection from the Settings page, kept in the user-data folder. The token is
 * stored encrypted with Electron's safeStorage (OS keychain / DPAPI / libsecret) and is never written, logged or
 * shown in clear; where the OS offers no encryption nothing is stored and the user is told so.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { NO_SECRET_STORAGE, type ApiConnectionStore, type StoredApiConnection } from '../../core/settings/api-connection';
import type { ApiConfig } from '../../core/sync/api-client';
import { BridgeError, invalid } from '../../shared/bridge/contract';
import { ApiConnectionInput } from '../../shared/settings';

const Stored = z.object({
  baseUrl: z.string().url(),
  /** base64 of safeStorage.encryptString(token) */
  tokenEncrypted: z.string().min(1),
  caFile: z.string().optional(),
  proxy: z.string().url().optional(),
});
type Stored = z.infer<typeof Stored>;

export class ApiSettings implements ApiConnectionStore {
  private readonly file: string;
  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'central-api.json');
  }

  private read(): Stored | null {
    if (!existsSync(this.file)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      raw = null;
    }
    const parsed = Stored.safeParse(raw);
    if (!parsed.success) throw new Error(`The central API settings in ${this.file} are damaged; enter them again in Settings.`);
    return parsed.data;
  }

  /** The configured API with its token decrypted, or null (→ the environment, else the embedded demo). */
  load(): ApiConfig | null {
    const stored = this.read();
    if (!stored) return null;
    let token: string;
    try {
      token = safeStorage.decryptString(Buffer.from(stored.tokenEncrypted, 'base64'));
    } catch {
      throw new Error('The stored central API token cannot be decrypted on this computer (the OS keychain changed); enter the token again in Settings.');
    }
    return { baseUrl: stored.baseUrl, token, caFile: stored.caFile, proxy: stored.proxy };
  }

  /** What Settings may show: everything but the token, which is only said to be set. */
  describe(): StoredApiConnection | null {
    let stored: Stored | null;
    try {
      stored = this.read();
    } catch {
      return null;
    }
    return stored && { baseUrl: stored.baseUrl, tokenSet: true, caFile: stored.caFile ?? null, proxy: stored.proxy ?? null };
  }

  /**
   * Encryption that deserves the name: on Linux without a keyring Electron falls back to 'basic_text', a key
   * hard-coded in Chromium, which is clear text to anyone who can read the file.
   */
  canKeepSecrets(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  /** An omitted token keeps the stored one; empty CA file and proxy clear them. */
  save(input: ApiConnectionInput): void {
    const parsed = ApiConnectionInput.safeParse(input);
    if (!parsed.success) throw invalid('invalid_payload', 'The central API settings were not saved', parsed.error);
    const value = parsed.data;
    if (!this.canKeepSecrets()) throw new BridgeError({ code: 'forbidden', message: NO_SECRET_STORAGE });
    let tokenEncrypted: string;
    if (value.token !== undefined) tokenEncrypted = safeStorage.encryptString(value.token).toString('base64');
    else {
      let previous: Stored | null = null;
      try {
        previous = this.read();
      } catch {
        // damaged: treated as nothing stored
      }
      if (!previous) {
        const message = 'No token is stored yet: enter the access token for this central API.';
        throw new BridgeError({ code: 'invalid_payload', message, issues: [{ path: 'token', message }] });
      }
      tokenEncrypted = previous.tokenEncrypted;
    }
    const stored: Stored = {
      baseUrl: value.baseUrl,
      tokenEncrypted,
      ...(value.caFile ? { caFile: value.caFile } : {}),
      ...(value.proxy ? { proxy: value.proxy } : {}),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write then rename: a crash never leaves half a settings file.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
