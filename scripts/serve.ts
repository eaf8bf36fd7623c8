/**
 * `npm run serve -- [--port N] [--host H] [--token T]`: the web host. Prints the app's URL on a line of its own
 * and serves until stopped.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBackend } from '../core/backend';
import { startWebHost } from '../web/server';
import { ensureRendererBuilt, ROOT } from './lib/renderer-build';

export const SERVE_HELP = `Usage: npm run serve -- [options]

Serves Grid Command Center to browsers (the web host).

Options:
  --port N      port to listen on (default 4317; 0 picks a free one)
  --host H      address to listen on (default 127.0.0.1). Any other address lets
                other machines connect and then requires --token.
  --token T     access token for browsers (or set GCC_WEB_TOKEN). Open the printed
                URL with ?token=T once; the browser keeps it in a cookie.
  --help        show this text
`;

export async function serve(argv: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4317' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
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
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const rendererDir = await ensureRendererBuilt();
  const backend = createBackend({ host: 'web', version });
  const host = await startWebHost({
    backend,
    rendererDir,
    host: values.host,
    port,
    token: values.token ?? process.env.GCC_WEB_TOKEN,
    log: (line) => console.error(line),
  });
  const shutdown = async () => {
    await host.close();
    await backend.close();
  };
  return { url: host.url, close: shutdown };
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
