import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { SyncService } from '../../core/sync/service';
import type { SyncStatus } from '../../shared/bridge/contract';
import { server, tempCache, until } from './harness';

describe('sync service checkpoints', () => {
  it('a thread of its own moves the WAL into the cache file while the writer syncs and follows', async () => {
    const s = await server();
    const file = tempCache();
    openCache(file).db.close();
    const empty = statSync(file).size;
    let status: SyncStatus | null = null;
    const service = new SyncService(
      { cacheFile: file, api: { baseUrl: s.url, token: 'demo-token' }, engine: { pageSize: 500 }, mode: 'follow', checkpointMs: 50 },
      { status: (next) => (status = next) },
    );
    try {
      await until(() => status?.state === 'live');
      // The writer's own checkpoint waits for 10,000 pages (160 MB): only the checkpointer can have grown the file
      // while the writer still has it open.
      await until(() => statSync(file).size > empty + 1_000_000, 10_000);
    } finally {
      await service.stop();
      await s.close();
    }
    const { db } = openCache(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBeGreaterThan(1000);
    db.close();
  });
});
