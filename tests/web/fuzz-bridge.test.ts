/**
 * Fuzzing the host end of the bridge (shared/bridge/dispatch.ts over the real backend and a district cache), which
 * both hosts run: random request names and random or broken payloads for every request in the contract. Dispatch
 * never throws, never fails inside a handler, answers with a contract error or a reply that passes the contract,
 * and writes nothing: the cache checksum, the export audit and the settings file are the same afterwards.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { openCache, type Db } from '../../core/cache/database';
import { cacheChecksum } from '../../core/cache/inspect';
import { SettingsStore } from '../../core/settings/store';
import { BridgeErrorBody, isRequestName, requestNames, requests } from '../../shared/bridge/contract';
import { dispatch } from '../../shared/bridge/dispatch';
import { DEMO_NOW, demoCacheCopy } from '../../scripts/lib/demo-cache';
import { broken, hostile, VALID_PAYLOADS, WRITING_REQUESTS } from './fuzz-payloads';

const RUNS = { payloads: 600, names: 500 };

const cache = demoCacheCopy();
const settingsFile = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-fuzz-settings-')), 'settings.json');
const internalErrors: string[] = [];
const backend = createBackend({
  host: 'web',
  version: '0.0.0-fuzz',
  now: () => DEMO_NOW,
  settings: new SettingsStore(settingsFile),
  data: { cacheFile: cache.file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
});
const call = (name: unknown, payload: unknown) => dispatch(backend.handlers, name, payload, (n, error) => internalErrors.push(`${n}: ${String(error)}`));

let db: Db;
const written = () => ({
  cache: cacheChecksum(db),
  audit: db.prepare('SELECT count(*) FROM export_audit').pluck().get(),
  settings: existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : null,
});

beforeAll(() => {
  db = openCache(cache.file, { readonly: true }).db;
});
afterAll(async () => {
  db.close();
  await backend.close();
});

function expectContractAnswer(name: string, result: Awaited<ReturnType<typeof dispatch>>) {
  if (result.ok) {
    expect(isRequestName(name), name).toBe(true);
    const check = requests[name as keyof typeof requests].reply.safeParse(result.reply);
    expect(check.success, `${name}: ${check.error?.message}`).toBe(true);
  } else {
    expect(BridgeErrorBody.safeParse(result.error).success, JSON.stringify(result.error)).toBe(true);
    expect(result.error.message.length, 'a sentence').toBeGreaterThan(10);
  }
}

describe('bridge dispatch under fuzzing', () => {
  it(`answers ${RUNS.payloads} random and broken payloads across the contract without crashing or writing`, async () => {
    const before = written();
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    const arbitrary = fc
      .constantFrom(...requestNames)
      .chain((name) => fc.tuple(fc.constant(name), fc.oneof(hostile, broken(VALID_PAYLOADS[name]), fc.constant(VALID_PAYLOADS[name]))));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ([name, payload]) => {
        fc.pre(!(WRITING_REQUESTS.has(name) && requests[name].payload.safeParse(payload ?? {}).success));
        const result = await call(name, payload);
        expectContractAnswer(name, result);
        if (!result.ok) expect(['invalid_payload', 'unavailable', 'forbidden']).toContain(result.error.code);
      }),
      { numRuns: RUNS.payloads, seed: 47 },
    );
    expect(internalErrors).toEqual([]);
    expect(written()).toEqual(before);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  });

  it(`answers ${RUNS.names} random request names with unknown_request`, async () => {
    // Names are strings on both transports (the IPC channel's suffix, the URL's last segment).
    const names = fc.oneof(
      fc.string({ maxLength: 40, unit: 'binary' }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'app.info ', 'APP.INFO', 'app..info', 'report.export\u0000', ''),
      fc.constantFrom(...requestNames).map((n) => `${n}.x`),
    );
    await fc.assert(
      fc.asyncProperty(names, hostile, async (name, payload) => {
        fc.pre(!isRequestName(name));
        const result = await call(name, payload);
        expect(result).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
        expect(result.ok ? '' : result.error.message).toMatch(/^There is no bridge request named "/);
      }),
      { numRuns: RUNS.names, seed: 47 },
    );
  });

  it('has a valid sample payload for every request, which the contract accepts', () => {
    for (const name of requestNames) expect(requests[name].payload.safeParse(VALID_PAYLOADS[name]).success, name).toBe(true);
  });
});
