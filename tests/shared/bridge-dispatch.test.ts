import { describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { BridgeError, requestNames, requests } from '../../shared/bridge/contract';
import { dispatch } from '../../shared/bridge/dispatch';
import { fixtureCacheFile } from '../fixtures/records';
import { VALID_PAYLOADS } from '../web/fuzz-payloads';

const backend = createBackend({
  host: 'web',
  version: '1.2.3',
  now: () => Date.parse('2026-11-27T10:00:00+08:00'),
  data: { cacheFile: await fixtureCacheFile(), api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
});

describe('bridge dispatch', () => {
  it('every request in the contract has a handler whose reply matches the contract', async () => {
    const samples: Record<string, unknown> = {
      'app.echo': { text: 'hi' },
      'scene.snapshot': { window: { preset: 'week' } },
      'grid.detail': { gridId: 'g2' },
      'settings.api': { baseUrl: 'https://central.example/api/', token: 't' },
      // The importers' requests with the fuzzers' valid payloads.
      ...Object.fromEntries(requestNames.filter((n) => n.startsWith('import.')).map((n) => [n, VALID_PAYLOADS[n]])),
    };
    // A backend with no place to keep the API token refuses to store one, with a sentence. Its central API is not
    // there (port 9): the importers' requests say so (the list answers with the problem), and a file it was never
    // given is refused.
    const refused: Record<string, string> = {
      'settings.api': 'forbidden',
      'import.start': 'invalid_payload',
      ...Object.fromEntries(
        ['import.open311', 'import.get', 'import.regions', 'import.commit', 'import.discard', 'import.template'].map((n) => [n, 'unavailable']),
      ),
    };
    for (const name of requestNames) {
      const result = await dispatch(backend.handlers, name, samples[name] ?? {});
      if (refused[name]) {
        expect(result, name).toMatchObject({ ok: false, error: { code: refused[name], message: expect.stringMatching(/\w+ \w+/) } });
        continue;
      }
      expect(result.ok, name).toBe(true);
      if (result.ok) expect(requests[name].reply.safeParse(result.reply).success, name).toBe(true);
    }
  });

  it('names the bad field of a malformed payload', async () => {
    const result = await dispatch(backend.handlers, 'app.echo', { text: 42 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'text' }] } });
  });

  it('refuses names outside the contract, including prototype keys', async () => {
    for (const name of [
      'nope',
      '__proto__',
      'constructor',
      'toString',
      42,
      null,
      Object.create(null),
      {
        toString: () => {
          throw new Error('x');
        },
      },
    ]) {
      const result = await dispatch(backend.handlers, name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    }
  });

  it('hides a handler crash behind an internal error and reports it to the host log', async () => {
    const logged: string[] = [];
    const handlers = { ...backend.handlers, 'app.info': async () => Promise.reject(new Error('disk on fire')) };
    const result = await dispatch(handlers, 'app.info', {}, (name, error) => logged.push(`${name}: ${(error as Error).message}`));
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
    expect(logged).toEqual(['app.info: disk on fire']);
  });

  it('passes a BridgeError from a handler through as it is', async () => {
    const handlers = { ...backend.handlers, 'app.info': async () => Promise.reject(new BridgeError({ code: 'forbidden', message: 'no' })) };
    expect(await dispatch(handlers, 'app.info', {})).toEqual({ ok: false, error: { code: 'forbidden', message: 'no' } });
  });
});
