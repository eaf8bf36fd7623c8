/** Child processes of the soak: started as `node --import tsx` so the pid is the server itself (RSS, SIGKILL). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ROOT } from '../lib/renderer-build';

export interface UrlChild {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `script` and resolves once it prints its URL on a line of its own; stdout and stderr go to `logFile`. */
export function startUrlChild(script: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, timeoutMs = 300_000): Promise<UrlChild> {
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} ${script} ${args.join(' ')}\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      log.end(`--- exited ${signal ?? code}\n`);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let found = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no URL in ${timeoutMs / 1000} s (log: ${logFile}).`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (found) return;
      out += chunk.toString();
      const m = /^(http:\/\/\S+\/)\s*$/m.exec(out);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve({ child, url: m[1], exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`${script} exited (${code}) before printing its URL (log: ${logFile}).`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(c: UrlChild, graceMs = 10_000): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
}

export interface ProcMemory {
  /** VmRSS: resident now. */
  rssMb: number;
  /** RssAnon: heap and stacks, without mapped files (what a leak grows). */
  anonMb: number;
  /** VmHWM: the peak resident size so far. */
  peakMb: number;
}

/** Memory of a process from /proc/<pid>/status, or null when it is gone. */
export function procMemory(pid: number | undefined): ProcMemory | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rssMb: kb('VmRSS'), anonMb: kb('RssAnon'), peakMb: kb('VmHWM') };
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of the children: ours without anything that would point them at another API, proxy or token. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'GCC_API_URL',
    'GCC_API_TOKEN',
    'GCC_API_TOKEN_FILE',
    'GCC_CA_FILE',
    'GCC_PROXY',
    'GCC_WEB_TOKEN',
    'GCC_CACHE',
    'GCC_DATA_DIR',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
  ])
    delete env[name];
  return { ...env, ...extra };
}
