/**
 * `npm run serve -- [--port N] [--host H] [--token T] [--viewer-token V]`: the web host. Prints the app's URL on a
 * line of its own and serves until stopped. With no central API configured (GCC_API_URL), it runs on the bundled
 * demo server.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startCore } from '../core/runtime';
import { startWebHost } from '../web/server';
import { contentSecurityPolicy } from '../shared/security/csp';
import { ensureRendererBuilt, ROOT } from './lib/renderer-build';

export const SERVE_HELP = `Usage: npm run serve -- [options]

Serves Grid Command Center to browsers (the web host).

Options:
  --port N        port to listen on (default 4317; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1). Any other address lets
                  other machines connect and then requires --token.
  --token T       operator access token for browsers (or set GCC_WEB_TOKEN). Open the
                  printed URL with ?token=T once; the browser keeps it in a cookie.
                  Operators may do everything: export, change settings.
  --viewer-token V
                  read-only token for walls (or set GCC_WEB_VIEWER_TOKEN); needs --token.
                  Viewers see the wall and the briefing with personal data masked,
                  and may not export or change settings.
  --demo-rate R   live events per second from the embedded demo server (default 0.05)
  --help          show this text

Environment:
  GCC_API_URL, GCC_API_TOKEN (or GCC_API_TOKEN_FILE), GCC_CA_FILE, GCC_PROXY
                  the district's central API; without GCC_API_URL the bundled demo
                  server (Guang'an district, demo data) is used
  GCC_DATA_DIR    where the cache lives (default ~/.grid-command-center)
`;

export async function serve(argv: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4317' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'viewer-token': { type: 'string' },
      'demo-rate': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}".`);
  const demoRate = values['demo-rate'] !== undefined ? Number(values['demo-rate']) : undefined;
  if (demoRate !== undefined && !(demoRate >= 0 && demoRate <= 1000)) throw new Error('--demo-rate must be a number of events per second from 0 to 1000.');
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const rendererDir = await ensureRendererBuilt();
  const log = (line: string) => console.error(line);
  const core = await startCore({ host: 'web', version, log, demo: { rate: demoRate } });
  if (core.demoServer)
    console.error(`No central API configured (GCC_API_URL): running on the embedded central service with the demo data at ${core.demoServer.url}.`);
  let host;
  try {
    host = await startWebHost({
      backend: core.backend,
      rendererDir,
      host: values.host,
      port,
      token: values.token ?? process.env.GCC_WEB_TOKEN,
      viewerToken: values['viewer-token'] ?? process.env.GCC_WEB_VIEWER_TOKEN,
      csp: () => contentSecurityPolicy(core.settings.get().basemap),
      log,
    });
  } catch (error) {
    await core.close();
    throw error;
  }
  return {
    url: host.url,
    close: async () => {
      await host.close();
      await core.close();
    },
  };
}

async function main() {
  try {
    const { url, close } = await serve(process.argv.slice(2));
    console.log('Grid Command Center is being served at:');
    console.log(url);
    const stop = () => void close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
