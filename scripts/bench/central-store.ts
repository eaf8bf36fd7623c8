/**
 * Write and feed throughput of the central data service on one store engine, each against the bare engine in the
 * same run:
 *
 * - write: the events posted through HTTP (POST /v1/events, batches of 5,000, a write token from the store) to the
 *   real service program in its own process, records/s from the first request to the last answer; the baseline is
 *   the bare insert of the same rows into the same table shape of the same engine (one transaction per 5,000: a
 *   prepared INSERT with better-sqlite3; COPY … FROM STDIN for PostgreSQL, and for the split also the store's own
 *   multi-row INSERT … SELECT FROM unnest(…)), timed over its transactions only (reading the rows is not counted).
 * - feed: a client paging /v1/changes?limit=5000 through them (read token), records/s; the baseline is the bare
 *   paged SELECT of the same rows by rev from the same engine.
 *
 * The client does not parse what it gets (it counts items and reads the cursor from the page's tail), so what is
 * measured is the service; its CPU seconds are read from /proc for the split between service and client.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../../central/store/postgres/store';
import { SqliteStore } from '../../central/store/sqlite/store';
import { toShanghaiIso } from '../../shared/time';
import { batches, idOf, type BenchEvents } from './central-events';
import { createToken, startService, type ServiceProcess } from './central-service';

export const BATCH = 5000;

export interface Rate {
  records: number;
  seconds: number;
  perSecond: number;
}

export interface ServiceRate extends Rate {
  /** Service CPU seconds over the run. */
  serviceCpu: number;
}

function rate(records: number, seconds: number): Rate {
  return { records, seconds, perSecond: records / seconds };
}

/** A store with the reference data and tokens in place, served by the real program in a child process. */
export interface ServedStore {
  engine: 'sqlite' | 'postgres';
  store: string;
  service: ServiceProcess;
  writeToken: string;
  readToken: string;
}

export async function serveStore(engine: 'sqlite' | 'postgres', store: string, events: BenchEvents): Promise<ServedStore> {
  // Tokens first (the CLI opens the store, migrating it), then the service.
  const writeToken = await createToken(store, 'bench-importer', 'write');
  const readToken = await createToken(store, 'bench-wall', 'read');
  const service = await startService(store);
  try {
    for (const [key, json] of [
      ['regions', events.regionsJson],
      ['organisation', events.organisationJson],
    ] as const) {
      const res = await fetch(`${service.url}v1/${key}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json' },
        body: json,
      });
      if (res.status !== 200) throw new Error(`PUT /v1/${key} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { engine, store, service, writeToken, readToken };
}

/** Posts every event, one batch at a time (an importer's way), reading the next batch while one is in flight. */
export async function postEvents(served: ServedStore, events: BenchEvents, batch = BATCH): Promise<ServiceRate> {
  const { url } = served.service;
  const headers = { authorization: `Bearer ${served.writeToken}`, 'content-type': 'application/json' };
  const source = batches(events.file, batch);
  let next = source.next();
  let records = 0;
  const cpu0 = served.service.cpuSeconds();
  const t0 = performance.now();
  while (!next.done) {
    const lines = next.value;
    const sent = fetch(`${url}v1/events`, { method: 'POST', headers, body: `{"source":"bench","records":[${lines.join(',')}]}` });
    await new Promise((resolve) => setImmediate(resolve));
    next = source.next();
    const res = await sent;
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST /v1/events answered ${res.status}: ${text.slice(0, 300)}`);
    const created = /"created":(\d+)/.exec(text.slice(-300))?.[1];
    if (Number(created) !== lines.length) throw new Error(`POST /v1/events created ${created} of ${lines.length}: ${text.slice(-300)}`);
    records += lines.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { ...rate(records, seconds), serviceCpu: served.service.cpuSeconds() - cpu0 };
}

/** Pages /v1/changes from rev 0 to the head, counting items without parsing the pages. */
export async function pageFeed(served: ServedStore, limit = BATCH): Promise<ServiceRate & { pages: number; megabytes: number }> {
  const headers = { authorization: `Bearer ${served.readToken}` };
  let after = 0;
  let records = 0;
  let pages = 0;
  let bytes = 0;
  const cpu0 = served.service.cpuSeconds();
  const t0 = performance.now();
  for (;;) {
    const res = await fetch(`${served.service.url}v1/changes?after_rev=${after}&limit=${limit}`, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /v1/changes answered ${res.status}: ${body.slice(0, 300)}`);
    bytes += body.length;
    pages++;
    for (let i = body.indexOf('{"type":"'); i >= 0; i = body.indexOf('{"type":"', i + 9)) records++;
    const tail = /"next_rev":(\d+),"has_more":(true|false)/.exec(body.slice(-200));
    if (!tail) throw new Error(`unexpected page: ${body.slice(0, 200)}`);
    after = Number(tail[1]);
    if (tail[2] === 'false') break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { ...rate(records, seconds), serviceCpu: served.service.cpuSeconds() - cpu0, pages, megabytes: bytes / 2 ** 20 };
}

const BARE_SQLITE_INSERT = 'INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)';

/**
 * The bare SQLite insert: a fresh store file of the same schema and settings (the store makes it: WAL,
 * synchronous = FULL), the same rows with a prepared statement, one transaction per batch.
 */
export async function bareSqliteInsert(dir: string, events: BenchEvents, batch = BATCH): Promise<Rate & { file: string }> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bare-store.sqlite');
  await new SqliteStore(file).close();
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const insert = db.prepare(BARE_SQLITE_INSERT);
    let rev = 0;
    let timed = 0;
    for (const lines of batches(events.file, batch)) {
      const at = toShanghaiIso(Date.now());
      const t = performance.now();
      db.transaction(() => {
        for (const line of lines) insert.run(++rev, 'event', idOf(line), line, 'bench', at);
      })();
      timed += performance.now() - t;
    }
    return { ...rate(rev, timed / 1000), file };
  } finally {
    db.close();
  }
}

/** The bare SQLite read: the same rows paged by rev, 5,000 at a time, in one read transaction each. */
export function bareSqliteRead(file: string, limit = BATCH): Rate {
  const db = new Database(file, { readonly: true });
  try {
    const page = db.prepare<[number, number], { rev: number; type: string; id: string; body: string; deleted_at: string | null }>(
      'SELECT rev, type, id, body, deleted_at FROM records WHERE rev > ? ORDER BY rev LIMIT ?',
    );
    let after = 0;
    let records = 0;
    const t0 = performance.now();
    for (;;) {
      const rows = db.transaction(() => page.all(after, limit))();
      records += rows.length;
      if (rows.length < limit) break;
      after = rows[rows.length - 1].rev;
    }
    return rate(records, (performance.now() - t0) / 1000);
  } finally {
    db.close();
  }
}

const STORE_PG_INSERT = `INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at)
  SELECT u.rev, 'event', u.id, u.body, NULL, $4::text, $5::text FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(rev, id, body)`;

/** COPY … FROM STDIN through pg's protocol handling (pg has no COPY API of its own; this is what pg-copy-streams does). */
class CopyIn {
  private error: Error | null = null;
  constructor(
    private readonly text: string,
    private readonly data: Buffer,
    private readonly done: (error: Error | null) => void,
  ) {}
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }) {
    for (let at = 0; at < this.data.length; at += 1 << 16) connection.sendCopyFromChunk(this.data.subarray(at, at + (1 << 16)));
    connection.endCopyFrom();
  }
  handleError(error: Error) {
    // The client drops its active query on an error, so no ReadyForQuery reaches this one: end here.
    this.error = error;
    this.done(error);
  }
  handleReadyForQuery() {
    if (!this.error) this.done(null);
  }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyData() {}
}

function copyIn(client: pg.Client, text: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(text, data, (error) => (error ? reject(error) : resolve())) as unknown as pg.QueryConfig);
  });
}

/** COPY's text format: tab-separated, \N for NULL; backslashes doubled (JSON text has no raw tab or newline). */
const copyText = (text: string) => text.replace(/\\/g, '\\\\');

/**
 * The bare PostgreSQL insert: a fresh database migrated by the store (the same tables and indexes), the same rows
 * with COPY … FROM STDIN, one transaction per batch (the rows' COPY text is made inside the timing, as a driver's
 * parameters are). `statement: 'store'` uses the store's own multi-row INSERT (unnest of three text arrays)
 * instead, prepared, for the split of where the time goes; `limit` caps its rows.
 */
export async function barePostgresInsert(
  url: string,
  events: BenchEvents,
  options: { statement?: 'copy' | 'store'; limit?: number } = {},
  batch = BATCH,
): Promise<Rate> {
  await (await PostgresStore.open(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rev = 0;
    let timed = 0;
    for (const lines of batches(events.file, batch)) {
      if (options.limit !== undefined && rev >= options.limit) break;
      const at = toShanghaiIso(Date.now());
      const ids = lines.map(idOf);
      const first = rev;
      rev += lines.length;
      const t = performance.now();
      await client.query('BEGIN');
      if (options.statement === 'store') {
        await client.query({ name: 'bare-insert', text: STORE_PG_INSERT, values: [lines.map((_, i) => first + i + 1), ids, lines, 'bench', at] });
      } else {
        const data = Buffer.from(lines.map((line, i) => `${first + i + 1}\tevent\t${copyText(ids[i])}\t${copyText(line)}\t\\N\tbench\t${at}\n`).join(''));
        await copyIn(client, 'COPY records (rev, type, id, body, deleted_at, source, updated_at) FROM STDIN', data);
      }
      await client.query('COMMIT');
      timed += performance.now() - t;
    }
    return rate(rev, timed / 1000);
  } finally {
    await client.end();
  }
}

/** The bare PostgreSQL read: the same rows paged by rev with a prepared SELECT, 5,000 at a time. */
export async function barePostgresRead(url: string, limit = BATCH): Promise<Rate> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let after = 0;
    let records = 0;
    const t0 = performance.now();
    for (;;) {
      const { rows } = await client.query<{ rev: string }>({
        name: 'bare-read',
        text: 'SELECT rev, type, id, body, deleted_at FROM records WHERE rev > $1 ORDER BY rev LIMIT $2',
        values: [after, limit],
      });
      records += rows.length;
      if (rows.length < limit) break;
      after = Number(rows[rows.length - 1].rev);
    }
    return rate(records, (performance.now() - t0) / 1000);
  } finally {
    await client.end();
  }
}
