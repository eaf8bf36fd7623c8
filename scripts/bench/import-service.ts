/**
 * The central service as the importers' benchmark runs it: the real program (central/main.ts) on a fresh SQLite
 * store, in a child process of its own so its memory and CPU are its own; the benchmark is its client (the
 * ImportsClient of `npm run import` and the 导入 page) and the app that syncs from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, memoryOf, type ServiceProcess } from './central-service';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const mainScript = path.join(root, 'central', 'main.ts');

export interface ImportService extends ServiceProcess {
  token: string;
  /**
   * Resets the process's peak resident memory (VmHWM) to what it holds now (/proc/PID/clear_refs 5, Linux ≥ 4.0),
   * so the next peak read is that of what happens next; false when the kernel refused.
   */
  resetPeak(): boolean;
}

/**
 * `central/main.ts --store STORE --port 0 --token TOKEN`, once it listens. `onSpawn` has the process at once (the
 * caller's SIGINT handler can kill it while it starts).
 */
export async function startImportService(store: string, token: string, onSpawn?: (child: ChildProcess) => void): Promise<ImportService> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, '--store', store, '--port', '0', '--token', token], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
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
      token,
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
