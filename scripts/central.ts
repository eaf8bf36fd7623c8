/**
 * The bundled demo central server on its own:
 *
 *   npm run central -- --port 4310 --seed 1 [--scale city] [--rate 0.05] [--token demo-token] [--events N]
 *                      [--host 127.0.0.1] [--latency MS] [--error-rate P] [--malformed-rate P]
 *                      [--drop-stream-every S] [--duplicate-rate P] [--reorder-rate P] [--revoke-token]
 *
 * Prints the base URL on a line of its own once it listens, then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEMO_TOKEN } from '../central/demo/constants';
import { runStoreCli, STORE_HELP, wantsStore } from '../central/main';
import { createdBy } from '../central/demo/feed';
import { createCentralServer } from '../central/demo/server';

const HELP = `Grid Command Center demo central server (广安区, synthetic data from the seed article)

Usage: npm run central -- [options]

  --port N               port to listen on (default 4310; 0 picks a free one)
  --host H               address to listen on (default 127.0.0.1)
  --seed S               data seed, number or text (default 1); same seed, same data
  --scale district|city  district: 297 grids, ~25,000 cases a year (default);
                         city: 20,000 grids and 5,000,000 events, for benchmarks
  --events N             events from 2022-01-01 up to now (overrides the scale's count)
  --rate R               live changes per second (default 0.05, up to 200; 0 = none)
  --token T              bearer token clients must send (default ${DEMO_TOKEN})
  --stream-window N      changes the stream keeps for Last-Event-ID resumes (default 50000)
  --heartbeat-ms MS      stream heartbeat interval (default 15000)

Fault knobs (for testing clients):
  --latency MS           add MS milliseconds to every /v1 response
  --error-rate P         answer a share P of /v1 requests with 503
  --malformed-rate P     send a share P of records with a missing field or wrong type
  --drop-stream-every S  close stream connections S seconds after they open
  --duplicate-rate P     send a share P of records twice
  --reorder-rate P       swap a share P of records with the next one
  --revoke-token         treat the token as revoked (403 on everything under /v1)

  -h, --help             this text

The base URL is printed on a line of its own, e.g. http://127.0.0.1:4310/
API: GET /v1/meta, /v1/regions, /v1/organisation, /v1/changes?after_rev=&limit=, /v1/stream (SSE);
contract at /openapi.json. Auth: Authorization: Bearer <token>.

${STORE_HELP}`;

// --store (and `token …`): the central data service on a store that keeps what it serves.
if (wantsStore(process.argv.slice(2))) {
  try {
    await runStoreCli(process.argv.slice(2));
  } catch (error) {
    console.error(`central: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
} else await runDemoServer();

function fail(message: string): never {
  console.error(`central: ${message}\n\nRun with --help for the options.`);
  process.exit(2);
}

async function runDemoServer() {
  const { values } = (() => {
    try {
      return parseArgs({
        options: {
          port: { type: 'string', default: '4310' },
          host: { type: 'string', default: '127.0.0.1' },
          seed: { type: 'string', default: '1' },
          scale: { type: 'string', default: 'district' },
          events: { type: 'string' },
          rate: { type: 'string', default: '0.05' },
          token: { type: 'string', default: DEMO_TOKEN },
          'stream-window': { type: 'string' },
          'heartbeat-ms': { type: 'string' },
          latency: { type: 'string', default: '0' },
          'error-rate': { type: 'string', default: '0' },
          'malformed-rate': { type: 'string', default: '0' },
          'drop-stream-every': { type: 'string', default: '0' },
          'duplicate-rate': { type: 'string', default: '0' },
          'reorder-rate': { type: 'string', default: '0' },
          'revoke-token': { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
        strict: true,
      });
    } catch (err) {
      fail((err as Error).message);
    }
  })();

  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }

  function num(name: string, text: string | undefined, min: number, max: number): number {
    const v = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(v) || v < min || v > max)
      fail(`--${name} must be a number from ${min} to ${max} (got "${text}")`);
    return v;
  }

  const scale = values.scale === 'city' ? 'city' : values.scale === 'district' ? 'district' : fail(`--scale must be district or city (got "${values.scale}")`);
  const port = num('port', values.port, 0, 65535);
  const rate = num('rate', values.rate, 0, 200);
  const events = values.events !== undefined ? Math.round(num('events', values.events, 0, 50_000_000)) : undefined;
  if (!values.token) fail('--token must not be empty');

  const started = performance.now();
  const server = await createCentralServer({
    port,
    host: values.host,
    seed: values.seed,
    scale,
    events,
    rate,
    token: values.token,
    streamWindow: values['stream-window'] !== undefined ? num('stream-window', values['stream-window'], 1, 10_000_000) : undefined,
    heartbeatMs: values['heartbeat-ms'] !== undefined ? num('heartbeat-ms', values['heartbeat-ms'], 10, 3_600_000) : undefined,
    faults: {
      latencyMs: num('latency', values.latency, 0, 600_000),
      errorRate: num('error-rate', values['error-rate'], 0, 1),
      malformedRate: num('malformed-rate', values['malformed-rate'], 0, 1),
      dropStreamEverySec: num('drop-stream-every', values['drop-stream-every'], 0, 86_400),
      duplicateRate: num('duplicate-rate', values['duplicate-rate'], 0, 1),
      reorderRate: num('reorder-rate', values['reorder-rate'], 0, 1),
      revokeToken: values['revoke-token'],
    },
  });

  // The URL alone on stdout's first line: scripts read it. Everything else goes to stderr.
  console.log(server.url);
  const e = server.engine;
  console.error(
    `demo central server: ${e.geo.district.name}, seed ${values.seed}, ${scale} scale (${e.geo.grids.length} grids), ` +
      `${createdBy(e.history, e.nowSec())} records so far, head rev ${e.headRev}; ` +
      `ready in ${Math.round(performance.now() - started)} ms; token "${server.token}"; live rate ${rate}/s`,
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`demo central server: ${signal}, closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
