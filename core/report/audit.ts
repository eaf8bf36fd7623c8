/**
 * The export audit log (export_audit in the cache): who exported which period in which format, when, under
 * which file name. Written for every export, from the app and from the CLI; read by the Reports view.
 */
import type { Db } from '../cache/database';
import type { AuditRow } from '../../shared/bridge/briefing';

export interface AuditEntry {
  at: string;
  operator: string;
  period: string;
  format: string;
  file: string | null;
}

export function writeAudit(db: Db, entry: AuditEntry): number {
  const result = db.prepare('INSERT INTO export_audit (at, operator, period, format, file) VALUES (?, ?, ?, ?, ?)').run(entry.at, entry.operator, entry.period, entry.format, entry.file);
  return Number(result.lastInsertRowid);
}

export function listAudit(db: Db, limit = 100): AuditRow[] {
  return db.prepare('SELECT seq, at, operator, period, format, file FROM export_audit ORDER BY seq DESC LIMIT ?').all(limit) as AuditRow[];
}
