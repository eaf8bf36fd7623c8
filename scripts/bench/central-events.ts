/**
 * The rows of the central benchmarks: N realistic event records from the demo generator (central/demo/engine.ts,
 * paged like its own feed), as an importer would post them: without `rev`, each with a unique id. Written once to a
 * file of one record a line, in the store's canonical text (the write schema's output, as the service stores it),
 * so every benchmark — the HTTP posts, the bare inserts, both engines — reads the very same rows and none of them
 * pays for generating them.
 *
 * The generator gives a few fewer events than asked (some are deleted in its history); the rest are the first
 * ones again under new ids ("E8~1"), their repeat_of links renamed alike so they still point at a record there is.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CentralEngine } from '../../central/demo/engine';
import { EventInput } from '../../shared/api/writes';

export interface BenchEvents {
  /** One event a line: its canonical JSON, id first. */
  file: string;
  count: number;
  /** The generator's region tree and organisation, so the events' grids and departments exist where they land. */
  regionsJson: string;
  organisationJson: string;
  /** Average record size in bytes. */
  averageBytes: number;
  generateSeconds: number;
}

export function generateEvents(count: number, dir: string, seed = 1): BenchEvents {
  const started = performance.now();
  const file = path.join(dir, 'events.ndjson');
  const fd = openSync(file, 'w');
  const engine = new CentralEngine({ events: count, rate: 0, seed, prefetch: false });
  let written = 0;
  let bytes = 0;
  let chunk: string[] = [];
  const flush = () => {
    if (!chunk.length) return;
    const text = chunk.join('\n') + '\n';
    bytes += Buffer.byteLength(text);
    writeSync(fd, text);
    chunk = [];
  };
  try {
    for (let pass = 0; written < count; pass++) {
      const suffix = pass === 0 ? '' : `~${pass}`;
      const before = written;
      let after = 0;
      for (;;) {
        const page = engine.page(after, 5000);
        for (const item of page.items) {
          if (written >= count) break;
          const change = JSON.parse(item.data) as { type: string; record: Record<string, unknown> };
          if (change.type !== 'event') continue;
          const { rev: _rev, ...record } = change.record;
          if (suffix) {
            record.id = `${String(record.id)}${suffix}`;
            if (typeof record.repeat_of === 'string') record.repeat_of = `${record.repeat_of}${suffix}`;
          }
          const text = JSON.stringify(EventInput.parse(record));
          if (!text.startsWith('{"id":"')) throw new Error(`the write schema no longer puts id first: ${text.slice(0, 80)}`);
          chunk.push(text);
          written++;
          if (chunk.length >= 5000) flush();
        }
        after = page.next_rev;
        if (!page.has_more || written >= count) break;
      }
      if (written === before) throw new Error('the demo generator gave no events');
    }
    flush();
    return {
      file,
      count: written,
      regionsJson: engine.regionsJson,
      organisationJson: engine.organisationJson,
      averageBytes: bytes / written,
      generateSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    engine.stop();
    closeSync(fd);
  }
}

/** The id of a canonical record line (it comes first: {"id":"…",…}); ids are plain generator ids, no escapes. */
export function idOf(line: string): string {
  return line.slice(7, line.indexOf('"', 7));
}

/** Reads the file back in batches of `size` lines, synchronously (a batch of 5,000 is ~3 MB: a few ms). */
export function* batches(file: string, size: number): Generator<string[]> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(8 << 20);
  // Bytes after the last newline read so far (they may end inside a UTF-8 character: decoded once complete).
  let rest = Buffer.alloc(0);
  let batch: string[] = [];
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const bytes = rest.length ? Buffer.concat([rest, buffer.subarray(0, n)]) : buffer.subarray(0, n);
      const end = bytes.lastIndexOf(10);
      if (end < 0) {
        rest = Buffer.from(bytes);
        continue;
      }
      const lines = bytes.toString('utf8', 0, end).split('\n');
      rest = Buffer.from(bytes.subarray(end + 1));
      for (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (rest.length) batch.push(rest.toString('utf8'));
    if (batch.length) yield batch;
  } finally {
    closeSync(fd);
  }
}
