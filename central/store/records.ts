/**
 * What both store engines do the same way, kept in one place: the records' canonical text (so "the same record
 * posted twice" is a text comparison), the change-feed entries as the wire carries them, ETags and token hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RecordType } from '../../shared/api/schemas';
import type { IncomingRecord, Scope } from './types';

/**
 * The stored text of a record: its JSON without `rev`, keys in the order the validator produced them. Two posts of
 * the same record give the same text, so an unchanged record is recognised without parsing.
 */
export function canonicalBody(record: IncomingRecord): string {
  const { rev: _rev, ...rest } = record as IncomingRecord & { rev?: unknown };
  return JSON.stringify(rest);
}

/** A change-feed entry, {"type","rev","record"}, made by splicing the rev into the stored text (no parse). */
export function changeJson(type: RecordType, id: string, rev: number, body: string, deletedAt: string | null): string {
  if (deletedAt !== null) {
    return `{"type":"tombstone","rev":${rev},"of":"${type}","record":{"id":${JSON.stringify(id)},"rev":${rev},"deleted_at":${JSON.stringify(deletedAt)}}}`;
  }
  return `{"type":"${type}","rev":${rev},"record":{"rev":${rev},${body.slice(1)}}`;
}

export function etagOf(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

/** Tokens are kept as their SHA-256 only: a copy of the store gives nobody a working token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return `gcc_${randomBytes(24).toString('base64url')}`;
}

export function newTokenId(): string {
  return randomBytes(6).toString('hex');
}

export function parseScopes(text: string): Scope[] {
  return text.split(',').filter((s): s is Scope => s === 'read' || s === 'write');
}
