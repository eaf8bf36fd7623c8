/**
 * A throw-away PostgreSQL cluster for tests (DESIGN §10): initdb into a temporary folder, pg_ctl start on a free
 * loopback port, stop and delete it after. Debian's server binaries live in /usr/lib/postgresql/<version>/bin; as
 * root (CI, these machines) they run as the `postgres` user, since initdb and postgres refuse to run as root.
 * Never a mock: the central store's tests run against this real server, with PostGIS where Debian has it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dataDir: string;
  /** A new empty database (with PostGIS when available); its URL. */
  createDatabase(name: string): string;
  /** Runs SQL as the superuser in a database, through psql. */
  psql(database: string, sql: string): string;
  /** pg_ctl stop -m fast (the cluster can be started again with start()). */
  stop(): void;
  start(): void;
  /** Stops the server and deletes its folder. */
  destroy(): void;
}

/** The newest installed server's bin folder, or null when PostgreSQL is not installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

export function hasPostgis(): boolean {
  const bin = postgresBin();
  if (!bin) return false;
  const version = path.basename(path.dirname(bin));
  return existsSync(`/usr/share/postgresql/${version}/extension/postgis.control`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary, as `postgres` when we are root. */
function run(bin: string, args: string[], options: { input?: string } = {}): string {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', input: options.input, cwd: tmpdir() });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql postgresql-15-postgis-3 (.ci/run does).');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dataDir, uid, gid);
  }
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durability is not under test here (a killed *client* or service is; the server itself is not killed), so fsync
  // is off to keep the suite quick on a 2-core machine. The socket lives in the data folder, not /var/run.
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  const start = () => void run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(dataDir, 'server.log'), '-w', 'start']);
  const stop = () => void run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  start();
  const psql = (database: string, sql: string) => run(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    createDatabase(name) {
      psql('postgres', `CREATE DATABASE "${name}"`);
      if (hasPostgis()) psql(name, 'CREATE EXTENSION IF NOT EXISTS postgis');
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    psql,
    stop() {
      stop();
      stopped = true;
    },
    start() {
      start();
      stopped = false;
    },
    destroy() {
      if (!stopped) {
        try {
          stop();
        } catch {
          // already down
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
