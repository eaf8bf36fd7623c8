/** An in-memory central-API store (what Electron's safeStorage-backed one does, minus the encryption). */
import type { Backend } from '../../core/backend';
import type { ApiConnectionStore, StoredApiConnection } from '../../core/settings/api-connection';
import type { ApiConfig } from '../../core/sync/api-client';
import { BridgeError, type Push, type PushName } from '../../shared/bridge/contract';
import type { ApiConnectionInput } from '../../shared/settings';

export class MemoryApiStore implements ApiConnectionStore {
  secure = true;
  saves = 0;
  constructor(public stored: ApiConfig | null = null) {}
  describe(): StoredApiConnection | null {
    const s = this.stored;
    return s && { baseUrl: s.baseUrl, tokenSet: true, caFile: s.caFile ?? null, proxy: s.proxy ?? null };
  }
  load(): ApiConfig | null {
    return this.stored && { ...this.stored };
  }
  save(input: ApiConnectionInput): void {
    const token = input.token ?? this.stored?.token;
    if (!token)
      throw new BridgeError({ code: 'invalid_payload', message: 'No token is stored yet.', issues: [{ path: 'token', message: 'No token is stored yet.' }] });
    this.stored = { baseUrl: input.baseUrl, token, caFile: input.caFile || undefined, proxy: input.proxy || undefined };
    this.saves++;
  }
  canKeepSecrets(): boolean {
    return this.secure;
  }
}

/** Resolves with the first push of that name that passes `match` (pushes before the call count too, if given). */
export function nextPush<N extends PushName>(
  backend: Pick<Backend, 'onPush'>,
  name: N,
  match: (payload: Push<N>) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<Push<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} push matching the test within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = backend.onPush((pushed: PushName, payload: unknown) => {
      if (pushed !== name || !match(payload as Push<N>)) return;
      clearTimeout(timer);
      off();
      resolve(payload as Push<N>);
    });
  });
}
