/**
 * The central data service as the benchmarks run it: the real program (central/main.ts --store …) in a child
 * process of its own, so its CPU and memory are its own and can be read from /proc, and the client's work (the
 * benchmark) does not run on its event loop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const mainScript = path.join(root, 'central', 'main.ts');

export interface ServiceProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** CPU seconds used so far (user + system), from /proc/<pid>/stat. */
  cpuSeconds(): number;
  /** Resident memory now and its peak (VmRSS, VmHWM), bytes. */
  memory(): { rss: number; hwm: number };
  /**
   * Resets the peak resident memory (VmHWM) to what the process holds now (/proc/PID/clear_refs 5, Linux ≥ 4.0), so
   * the next peak read is that of what happens next; false when the kernel refused.
   */
  resetPeak(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** `central token create NAME --scope S --store STORE`: the new token (printed once). */
export async function createToken(store: string, name: string, scope: 'read' | 'write'): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', mainScript, 'token', 'create', name, '--scope', scope, '--store', store], {
    cwd: root,
  });
  const token = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (!token.startsWith('gcc_')) throw new Error(`token create printed no token: ${stdout}`);
  return token;
}

export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/**
 * Starts `central/main.ts --store STORE --port 0 [--token T]` and waits for the URL it prints. `onSpawn` has the
 * process at once (a caller's SIGINT handler can kill it while it starts).
 */
export async function startService(store: string, options: { token?: string; onSpawn?: (child: ChildProcess) => void } = {}): Promise<ServiceProcess> {
  const args = ['--import', 'tsx', mainScript, '--store', store, '--port', '0', ...(options.token ? ['--token', options.token] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`the central service exited (${code}) before listening: ${errors.trim()}`)));
      setTimeout(() => reject(new Error(`the central service did not listen within 60 s: ${errors.trim()}`)), 60_000).unref();
    });
    const pid = child.pid!;
    return {
      url,
      pid,
      child,
      cpuSeconds: () => cpuSecondsOf(pid),
      memory: () => memoryOf(pid),
      resetPeak() {
        try {
          writeFileSync(`/proc/${pid}/clear_refs`, '5');
          return true;
        } catch {
          return false;
        }
      },
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Stops them all, whatever fails (a finally's cleanup must not hide the error that got there). */
export async function stopAll(services: (ServiceProcess | null | undefined)[]): Promise<void> {
  await Promise.all(services.map((s) => s?.stop().catch(() => s.child.kill('SIGKILL'))));
}
