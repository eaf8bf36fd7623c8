/**
 * The central data service as a program: `npm run central -- --store FILE.sqlite|postgres://… [--demo] …` serves
 * the contract from a store that keeps what it serves; `token create|list|revoke` manage its tokens (kept hashed:
 * a new token is printed once). The app starts this same program as a child process for its embedded default
 * (`--embedded`: the token comes from the environment; `--exit-with-stdin`: it ends when the app's pipe closes), so the
 * app never imports this layer. In the Electron bundle this file is dist/electron/central.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_TOKEN } from './demo/constants';
import { startDemoSource, type DemoSource } from './demo/source';
import { startCentralService } from './http/service';
import { openStore } from './store/open';
import type { Scope } from './store/types';

/** The environment variable the embedded service takes its token from (not argv, which other users can read). */
export const EMBEDDED_TOKEN_ENV = 'GCC_CENTRAL_TOKEN';

export const STORE_HELP = `The central data service on a store (it keeps what it serves):

  npm run central -- --store FILE.sqlite|postgres://USER@HOST/DB [--port N] [--host H] [--token T | --token-file F]
  npm run central -- --demo [--store FILE.sqlite] [--rate R] [--seed S]   the Guang'an demo, kept in a store
  npm run central -- token create NAME [--scope read|write] --store …   prints a new token once (write includes read)
  npm run central -- token list --store …
  npm run central -- token revoke NAME --store …

  --store S       a SQLite file (made if missing), or a PostgreSQL URL (PostGIS needed) for a city or many walls
  --token T       a token with both scopes for quick starts and tests (or --token-file F); tokens made with
                  "token create" work as well and can be revoked
  --port, --host  as for the demo server (default 4310, 127.0.0.1)
  --demo          fill the store with the Guang'an demo (once), and keep writing its live cases into it;
                  the store defaults to demo-central.sqlite here, the token to ${DEMO_TOKEN}
  --rate R        the demo's live changes per second (default 0.05); --seed S, --events N as for the generator
  --resources D   the folder holding openapi.json and data/ (default: the repository's resources/)`;

export function wantsStore(argv: string[]): boolean {
  return argv[0] === 'token' || argv.some((a) => a === '--store' || a.startsWith('--store=') || a === '--demo' || a === '--embedded');
}

export async function runStoreCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      port: { type: 'string', default: '4310' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      scope: { type: 'string', default: 'read' },
      demo: { type: 'boolean', default: false },
      embedded: { type: 'boolean', default: false },
      'exit-with-stdin': { type: 'boolean', default: false },
      rate: { type: 'string', default: '0.05' },
      seed: { type: 'string' },
      events: { type: 'string' },
      resources: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(STORE_HELP);
  if (values.demo && !values.store) values.store = 'demo-central.sqlite';
  if (!values.store) throw new Error('Say which store to use: --store FILE.sqlite or --store postgres://…');
  // A service starts even when its PostgreSQL is not up yet (a reboot brings both back in any order): it answers 503
  // with a sentence until the database is back, then carries on by itself. `token …` says at once that it cannot.
  const serving = positionals[0] !== 'token';
  const store =
    serving && /^postgres(ql)?:\/\//i.test(values.store)
      ? await (
          await import('./store/postgres/store')
        ).PostgresStore.open(values.store, { waitForDatabase: true, log: (line) => console.error(`central data service: ${line}`) })
      : await openStore(values.store);

  if (positionals[0] === 'token') {
    try {
      const [, command, name] = positionals;
      if (command === 'create') {
        if (!name) throw new Error('Name the token: token create NAME (e.g. wall-3, importer).');
        if (values.scope !== 'read' && values.scope !== 'write') throw new Error(`--scope is read or write (got "${values.scope}").`);
        const scopes: Scope[] = values.scope === 'write' ? ['read', 'write'] : ['read'];
        const { token, info } = await store.createToken(name, scopes);
        console.error(`Token "${info.name}" (${info.scopes.join(', ')}) created. It is shown only now; the store keeps its hash.`);
        console.log(token);
      } else if (command === 'list') {
        const tokens = await store.listTokens();
        console.log(
          tokens.length
            ? tokens
                .map(
                  (t) =>
                    `${t.id}  ${t.name.padEnd(20)} ${t.scopes.join(',').padEnd(11)} created ${t.createdAt}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`,
                )
                .join('\n')
            : 'No tokens.',
        );
      } else if (command === 'revoke') {
        if (!name) throw new Error('Name the token to revoke: token revoke NAME (or its id).');
        const revoked = await store.revokeToken(name);
        if (!revoked) throw new Error(`There is no token "${name}" in this store (see: token list).`);
        console.log(`Token "${revoked.name}" is revoked; requests with it now get 401.`);
      } else throw new Error(`Unknown token command "${command ?? ''}": create, list or revoke.`);
    } finally {
      await store.close();
    }
    return;
  }

  const token = values.embedded
    ? (process.env[EMBEDDED_TOKEN_ENV] ?? '')
    : values['token-file']
      ? readFileSync(values['token-file'], 'utf8').trim()
      : (values.token ?? (values.demo ? DEMO_TOKEN : null));
  if (token !== null && !token)
    throw new Error(values.embedded ? `The embedded service needs its token in ${EMBEDDED_TOKEN_ENV}.` : 'The token must not be empty.');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535 (got "${values.port}").`);
  const rate = Number(values.rate);
  if (!(rate >= 0 && rate <= 200)) throw new Error(`--rate is live changes per second, from 0 to 200 (got "${values.rate}").`);
  const resources = values.resources ?? defaultResources();
  const contractFile = path.join(resources, 'openapi.json');
  const openApiJson = existsSync(contractFile) ? readFileSync(contractFile, 'utf8') : undefined;

  let demo: DemoSource | null = null;
  if (values.demo) {
    demo = await startDemoSource({
      store,
      rate,
      seed: values.seed,
      events: values.events === undefined ? undefined : Number(values.events),
      dataDir: path.join(resources, 'data'),
      log: (line) => console.error(line),
    });
  }
  // The embedded service's one token is the app's own: its imports (the 导入 page on this machine) are listed so.
  const tokenName = values.embedded ? '本机应用' : undefined;
  const service = await startCentralService({ store, port, host: values.host, token, tokenName, openApiJson, demo: values.demo });
  console.log(service.url);
  const head = await store.headRev().then(String, () => 'unknown (the store cannot be reached yet)');
  console.error(
    `central data service: ${store.engine} store ${store.location}, head rev ${head}${values.demo ? ', demo source writing' : ''}; ${token ? 'a command-line token and ' : ''}the store's tokens accepted`,
  );
  let closing = false;
  const shutdown = (why: string) => {
    if (closing) return;
    closing = true;
    console.error(`central data service: ${why}, closing`);
    Promise.resolve(demo?.stop())
      .then(() => service.close())
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Started by the app with a pipe as our stdin: when it ends (the app quit or was killed), so do we. (In
  // Electron's utility process there is no stdin; Electron ends the process with the app.)
  if (values['exit-with-stdin']) {
    process.stdin.on('end', () => shutdown('the app is gone'));
    process.stdin.on('error', () => shutdown('the app is gone'));
    process.stdin.resume();
  }
}

/** The repository's resources/ next to the sources, or next to the Electron bundle (dist/electron → resources). */
function defaultResources(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, '..', 'resources'), path.join(here, '..', '..', 'resources')]) {
    if (existsSync(path.join(candidate, 'openapi.json'))) return candidate;
  }
  return path.join(here, '..', 'resources');
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  runStoreCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`central: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
