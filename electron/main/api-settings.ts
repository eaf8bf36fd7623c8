/**
 * The desktop app's central-API settings, kept in the user-data folder. The token is stored encrypted with
 * Electron's safeStorage (OS keychain / DPAPI / libsecret) and is never written, logged or shown in clear; where
 * the OS offers no encryption the token is not stored at all and the user is told so.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import type { ApiConfig } from '../../core/sync/api-client';

const Stored = z.object({
  baseUrl: z.string().url(),
  /** base64 of safeStorage.encryptString(token) */
  tokenEncrypted: z.string().min(1),
  caFile: z.string().optional(),
  proxy: z.string().url().optional(),
});
type Stored = z.infer<typeof Stored>;

export const ApiSettingsInput = z.object({
  baseUrl: z.string().url().refine((u) => /^https?:\/\//.test(u), 'The central API address must start with http:// or https://.'),
  token: z.string().min(1, 'The token must not be empty.').max(4096),
  caFile: z.string().optional(),
  proxy: z.string().url().optional(),
});
export type ApiSettingsInput = z.infer<typeof ApiSettingsInput>;

export class ApiSettings {
  private readonly file: string;
  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'central-api.json');
  }

  /** The configured API with its token decrypted, or null (→ the embedded demo). */
  load(): ApiConfig | null {
    if (!existsSync(this.file)) return null;
    const parsed = Stored.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`The central API settings in ${this.file} are damaged; enter them again in Settings.`);
    const token = safeStorage.decryptString(Buffer.from(parsed.data.tokenEncrypted, 'base64'));
    return { baseUrl: parsed.data.baseUrl, token, caFile: parsed.data.caFile, proxy: parsed.data.proxy };
  }

  /** What Settings may show: everything but the token, which is only said to be set. */
  describe(): { baseUrl: string; tokenSet: boolean; caFile?: string; proxy?: string } | null {
    if (!existsSync(this.file)) return null;
    const parsed = Stored.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) return null;
    const { tokenEncrypted, ...rest } = parsed.data;
    return { ...rest, tokenSet: tokenEncrypted.length > 0 };
  }

  save(input: unknown): void {
    const value = ApiSettingsInput.parse(input);
    if (!safeStorage.isEncryptionAvailable()) {
      throw new Error('This computer offers no secure storage for the token (no keychain or secret service); set GCC_API_TOKEN_FILE instead.');
    }
    const stored: Stored = {
      baseUrl: value.baseUrl,
      tokenEncrypted: safeStorage.encryptString(value.token).toString('base64'),
      ...(value.caFile ? { caFile: value.caFile } : {}),
      ...(value.proxy ? { proxy: value.proxy } : {}),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write then rename: a crash never leaves half a settings file.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
