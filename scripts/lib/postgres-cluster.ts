/**
 * A throw-away PostgreSQL cluster (DESIGN §10), for the tests and the benchmarks alike: initdb into a temporary
 * folder, pg_ctl start on a free loopback port, stop and delete it after. Debian's server binaries live in
 * /usr/lib/postgresql/<version>/bin; as root (CI, these machines) they run as the `postgres` user, since initdb and
 * postgres refuse to run as root. Never a mock: the central store runs against this real server, with PostGIS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ClusterOptions {
  /**
   * Keep the server's durability settings (fsync, synchronous commits): a benchmark of a system of record measures
   * what a real deployment pays for a commit. Tests turn them off to stay quick (the server itself is never killed
   * there; a client or the service is).
   */
  durable?: boolean;
  maxConnections?: number;
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dataDir: string;
  /** A new empty database with PostGIS; its URL. */
  createDatabase(name: string): string;
  /** Runs SQL as the superuser in a database, through psql; its output (unaligned, tuples only). */
  psql(database: string, sql: string): string;
  /** pg_ctl stop -m fast (start() starts it again). */
  stop(): void;
  start(): void;
  /** CPU seconds used so far by the server: the postmaster and its processes alive now (from /proc). */
  cpuSeconds(): number;
  /** Stops the server and deletes its folder (safe to call twice). */
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
function run(bin: string, args: string[]): string {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: tmpdir() });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

export async function startCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql postgresql-15-postgis-3 (.ci/run does).');
  const version = path.basename(path.dirname(bin));
  if (!existsSync(`/usr/share/postgresql/${version}/extension/postgis.control`)) {
    throw new Error(`PostGIS is not installed for PostgreSQL ${version} (apt-get install postgresql-${version}-postgis-3): the central store needs it.`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dataDir, uid, gid);
  }
  const ctl = (args: string[]) => void run(path.join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
  let running = false;
  const stopNow = (mode: 'fast' | 'immediate') => {
    if (!running) return;
    ctl(['-m', mode, '-w', 'stop']);
    running = false;
  };
  try {
    run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    // The socket lives in the data folder, not /var/run.
    const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
    const serverOptions = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=${options.maxConnections ?? 100}${durability}`;
    const start = () => {
      ctl(['-o', serverOptions, '-l', path.join(dataDir, 'server.log'), '-w', 'start']);
      running = true;
    };
    start();
    const psql = (database: string, sql: string) =>
      run(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]);
    let destroyed = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      createDatabase(name) {
        psql('postgres', `CREATE DATABASE "${name}"`);
        psql(name, 'CREATE EXTENSION IF NOT EXISTS postgis');
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      psql,
      stop: () => stopNow('fast'),
      start,
      cpuSeconds: () => processTreeCpuSeconds(Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])),
      destroy() {
        if (destroyed) return;
        destroyed = true;
        try {
          stopNow('immediate');
        } catch {
          // already down
        }
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    try {
      stopNow('immediate');
    } catch {
      // already down
    }
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** CPU seconds (user + system) of a process and its children alive now, from /proc/<pid>/stat. */
export function processTreeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fields: string[];
    try {
      fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
    } catch {
      continue; // ended meanwhile
    }
    if (Number(entry) === root || Number(fields[1]) === root) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}
