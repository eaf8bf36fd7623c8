/**
 * Fan-out at city scale: stream clients (GET /v1/stream, SSE) spread over several service processes (the real
 * program, central/main.ts --store postgres://…) over one PostgreSQL, while one writer posts single events through
 * the first process at a steady rate. Each event carries its send time in its title ("fanout <n> <ms>", the
 * benchmark's performance.now(): clients and writer share this process's clock), so each client's receipt gives
 * a write-to-client latency: from the send (the write's own time included) and from the POST's answer. A change
 * written through process 1 reaches the clients of the others through the store's LISTEN/NOTIFY wake-ups.
 *
 * The writer is open-loop (a write every 1/rate s whether or not the last one was answered), so a slow service
 * shows as latency, not as a lower rate. The services' CPU comes from /proc/<pid>/stat over the writing, their
 * RSS from /proc/<pid>/status before the clients connect and at the end.
 */
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { percentile } from './report';
import { cpuSecondsOf, createToken, memoryOf, startService, stopAll, type ServiceProcess } from './central-service';

export interface FanoutOptions {
  /** A PostgreSQL URL of an empty database (PostGIS installed). */
  store: string;
  /** An event record line (canonical JSON) to copy the shape of: each write is it with a new id and title. */
  template: string;
  clients: number;
  processes: number;
  /** Writes per second. */
  rate: number;
  seconds: number;
  /** CPU seconds of the database server so far, when it runs here (its share is reported). */
  databaseCpuSeconds?: () => number;
}

export interface FanoutResult {
  clients: number;
  processes: number;
  writes: number;
  seconds: number;
  deliveries: number;
  expected: number;
  fromSend: { p50: number; p95: number; max: number };
  fromAnswer: { p50: number; p95: number; max: number };
  answer: { p50: number; p95: number; max: number };
  /** CPU of each service process over the writing, as a share of one core. */
  cpuShare: number[];
  /** CPU of the database server over the writing, as a share of one core (NaN when not known). */
  databaseCpuShare: number;
  /** VmRSS of each service process before the clients connected and at the end, bytes. */
  rssIdle: number[];
  rssEnd: number[];
}

interface Client {
  request: http.ClientRequest;
  received: number;
}

function stats(values: number[]) {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: values.length ? Math.max(...values) : NaN };
}

export async function benchFanout(options: FanoutOptions): Promise<FanoutResult> {
  const writeToken = await createToken(options.store, 'bench-writer', 'write');
  const readToken = await createToken(options.store, 'bench-wall', 'read');
  const services: ServiceProcess[] = [];
  const clients: Client[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  try {
    for (let i = 0; i < options.processes; i++) services.push(await startService(options.store));
    await new Promise((r) => setTimeout(r, 1000));
    const rssIdle = services.map((s) => s.memory().rss);

    // Receipts: per write n, its send and answer times; per delivery, the write and when it arrived.
    const sentAt: number[] = [];
    const answeredAt: number[] = [];
    const receipts: { n: number; at: number }[] = [];
    const fromSend: number[] = [];
    const onChange = (data: string) => {
      const at = performance.now();
      const m = /"title":"fanout (\d+) ([\d.]+)"/.exec(data);
      if (!m) return;
      fromSend.push(at - Number(m[2]));
      receipts.push({ n: Number(m[1]), at });
    };

    // The clients, round-robin over the processes; each connected once its stream has answered 200.
    await Promise.all(
      Array.from({ length: options.clients }, (_, i) => {
        const service = services[i % services.length];
        return new Promise<void>((resolve, reject) => {
          const client: Client = { request: null as unknown as http.ClientRequest, received: 0 };
          const parser = createParser({
            onEvent: (event) => {
              if (event.event !== 'change') return;
              client.received++;
              onChange(event.data);
            },
          });
          client.request = http.get(`${service.url}v1/stream`, { headers: { authorization: `Bearer ${readToken}`, accept: 'text/event-stream' } }, (res) => {
            if (res.statusCode !== 200) return reject(new Error(`GET /v1/stream answered ${res.statusCode}`));
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => parser.feed(chunk));
            // Destroyed at the end: not a failure.
            res.on('error', () => {});
            resolve();
          });
          client.request.on('error', (error) => reject(error));
          clients.push(client);
        });
      }),
    );
    // Every stream has read its first (empty) page: it follows from the head from now on.
    await new Promise((r) => setTimeout(r, 1000));

    const template = JSON.parse(options.template) as Record<string, unknown>;
    const writer = services[0];
    const target = new URL(`${writer.url}v1/events`);
    const answers: Promise<void>[] = [];
    let failure: unknown = null;
    const post = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const record = { ...template, id: `F${n}`, repeat_of: null, title: `fanout ${n} ${(sentAt[n] = performance.now()).toFixed(3)}` };
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            agent,
            headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => {
              answeredAt[n] = performance.now();
              if (res.statusCode !== 200) reject(new Error(`POST /v1/events answered ${res.statusCode}: ${body.slice(0, 300)}`));
              else resolve();
            });
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ source: 'bench', records: [record] }));
      });

    const writes = Math.max(1, Math.round(options.rate * options.seconds));
    const every = 1000 / options.rate;
    const cpu0 = services.map((s) => s.cpuSeconds());
    const databaseCpu0 = options.databaseCpuSeconds?.() ?? NaN;
    const t0 = performance.now();
    for (let n = 0; n < writes; n++) {
      const due = t0 + n * every;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      answers.push(post(n).catch((error: unknown) => void (failure ??= error)));
    }
    await Promise.all(answers);
    if (failure) throw failure;
    // Let the last changes reach every client (at most 10 s).
    const expected = writes * options.clients;
    const drainUntil = performance.now() + 10_000;
    while (receipts.length < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    const wall = (performance.now() - t0) / 1000;
    const cpuShare = services.map((s, i) => (cpuSecondsOf(s.pid) - cpu0[i]) / wall);
    const databaseCpuShare = ((options.databaseCpuSeconds?.() ?? NaN) - databaseCpu0) / wall;
    const rssEnd = services.map((s) => memoryOf(s.pid).rss);

    const fromAnswer = receipts.map((r) => r.at - answeredAt[r.n]);
    const answer = sentAt.map((t, n) => answeredAt[n] - t);
    return {
      clients: options.clients,
      processes: options.processes,
      writes,
      seconds: wall,
      deliveries: receipts.length,
      expected,
      fromSend: stats(fromSend),
      fromAnswer: stats(fromAnswer),
      answer: stats(answer),
      cpuShare,
      databaseCpuShare,
      rssIdle,
      rssEnd,
    };
  } finally {
    for (const client of clients) client.request?.destroy();
    agent.destroy();
    await stopAll(services);
  }
}
