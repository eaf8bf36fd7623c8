import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAL_SIZE_LIMIT_BYTES, checkpoint, deferCheckpoints, openForCheckpoints, startCheckpoints } from '../../core/cache/checkpointer';
import { openCache } from '../../core/cache/database';
import { until } from '../sync/harness';

/** A cache whose writer never checkpoints by itself, with about 2 MB committed to its WAL. */
function writtenCache() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-ckpt-')), 'cache.sqlite');
  const { db } = openCache(file);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const before = statSync(file).size;
  const insert = db.prepare("INSERT INTO quarantine (received_at, origin, reason, raw) VALUES ('2026-11-28T10:00:00+08:00', 'page', 'test', ?)");
  db.transaction(() => {
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(10_000));
  })();
  return { file, writer: db, before };
}

describe('checkpointer', () => {
  it('moves what a writer committed to the WAL into the database file, from a connection of its own', () => {
    const { file, writer, before } = writtenCache();
    expect(statSync(file).size).toBe(before);
    const db = openForCheckpoints(file);
    const result = checkpoint(db);
    expect(result.log).toBeGreaterThan(100);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(file).size).toBeGreaterThan(before + 2_000_000);
    // The writer goes on committing as before.
    writer.prepare("DELETE FROM quarantine WHERE reason = 'test'").run();
    expect(writer.prepare('SELECT count(*) FROM quarantine').pluck().get()).toBe(0);
    db.close();
    writer.close();
  });

  it('checkpoints on its own every interval until stopped', async () => {
    const { file, writer, before } = writtenCache();
    const checkpoints = startCheckpoints(file, 20);
    await until(() => statSync(file).size > before + 2_000_000, 5000);
    checkpoints.stop();
    writer.close();
  });

  it('the writer leaves checkpoints to the checkpointer, and shrinks the WAL file to its limit when it starts the log over', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-ckpt-')), 'cache.sqlite');
    const { db: writer } = openCache(file);
    deferCheckpoints(writer);
    const insert = writer.prepare("INSERT INTO quarantine (received_at, origin, reason, raw) VALUES ('2026-11-28T10:00:00+08:00', 'page', 'test', ?)");
    const before = statSync(file).size;
    // One transaction bigger than the limit: the writer does not checkpoint it by itself…
    writer.transaction(() => {
      for (let i = 0; i < 7000; i++) insert.run('x'.repeat(10_000));
    })();
    const wal = () => statSync(`${file}-wal`).size;
    expect(wal()).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    expect(statSync(file).size).toBe(before);
    // …the checkpointer does, and the writer's next commit starts the log over, cut back to the limit.
    const db = openForCheckpoints(file);
    checkpoint(db);
    writer.prepare('DELETE FROM quarantine WHERE seq = 1').run();
    expect(wal()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    db.close();
    writer.close();
  });

  it('a file that is not there is refused when it starts (the writer keeps its own checkpoint as a backstop)', () => {
    expect(() => startCheckpoints(path.join(tmpdir(), 'gcc-no-such-dir', 'cache.sqlite'), 20)).toThrow();
  });
});
