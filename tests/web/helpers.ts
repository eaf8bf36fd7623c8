/** Set-up shared by the web host tests: a stand-in renderer build, the demo district's cache with people in it, hosts. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCache } from '../../core/cache/database';
import { createBackend, type Backend } from '../../core/backend';
import { DEMO_NOW, demoCacheCopy } from '../../scripts/lib/demo-cache';
import { startWebHost, type WebHost, type WebHostOptions } from '../../web/server';
import { occurrences } from '../helpers/occurrences';

/** A file next to the renderer folder that no URL may ever serve. */
export const SECRET_TEXT = 'root:x:0:0:secret-outside-the-renderer';

export function makeRendererDir(): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'gcc-web-'));
  const dir = path.join(parent, 'renderer');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>test</title>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(parent, 'passwd'), SECRET_TEXT);
  return dir;
}

export const PEOPLE = { leader: '王建国', worker: '李秀英', phone: '13812345678' };

/**
 * A copy of the demo district's cache, with real-looking names on every grid's profile and a mobile number typed into
 * the title of every open case: what a viewer must never see unmasked. Also lists the reporters' own names and numbers.
 */
export function districtWithPeople(): { file: string; names: string[]; phones: string[] } {
  const { file } = demoCacheCopy();
  const { db } = openCache(file);
  db.prepare("UPDATE regions SET profile = json_set(profile, '$.leader', ?, '$.full_time_worker', ?) WHERE level = 'grid'").run(PEOPLE.leader, PEOPLE.worker);
  db.prepare("UPDATE events SET title = title || '，联系电话' || ? WHERE stage <> 'closed'").run(PEOPLE.phone);
  const rows = db.prepare('SELECT DISTINCT reporter_name AS n, reporter_phone AS p FROM events WHERE reporter_name IS NOT NULL').all() as {
    n: string;
    p: string;
  }[];
  db.close();
  return {
    file,
    names: [PEOPLE.leader, PEOPLE.worker, ...new Set(rows.map((r) => r.n).filter((n) => n.length >= 3))],
    phones: [PEOPLE.phone, ...new Set(rows.map((r) => r.p))],
  };
}

export function dataBackend(cacheFile: string) {
  return createBackend({
    host: 'web',
    version: '0.0.0-test',
    now: () => DEMO_NOW,
    data: { cacheFile, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
  });
}

/** Starts hosts and closes them (and their backends) with `closeAll`. */
export function hostPool(rendererDir: string) {
  const open: { host: WebHost; backend: Backend }[] = [];
  return {
    async start(options: Partial<Omit<WebHostOptions, 'rendererDir'>> = {}) {
      const backend = options.backend ?? createBackend({ host: 'web', version: '0.0.0-test' });
      const host = await startWebHost({ rendererDir, port: 0, ...options, backend });
      open.push({ host, backend });
      return host;
    },
    async closeAll() {
      const started = open.splice(0);
      for (const { host } of started) await host.close();
      for (const backend of new Set(started.map((s) => s.backend))) await backend.close();
    },
  };
}

export const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function leaks(text: string, people: { names: string[]; phones: string[] }): string[] {
  return occurrences(text, [...people.names, ...people.phones]);
}

/** A request through node:http, which (unlike fetch) may set any header, Host included. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
