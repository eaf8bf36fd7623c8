/**
 * CPU time of a browser's processes, read from /proc (Linux): what a wall costs the machine while it shows nothing
 * new. Chromium's processes are the browser's descendants; each says its kind in `--type=` (renderer, gpu-process,
 * utility…; the browser process itself has none). Playwright starts Chromium as a child of this process, so the tree
 * under `process.pid` holds it (and whatever else this process started, counted as 'other').
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcTimes {
  kind: string;
  /** utime + stime, in clock ticks */
  ticks: number;
}

/** pid → its parent and CPU ticks, for every process now. The command name may hold spaces and parentheses. */
function readAll(): Map<number, { ppid: number; ticks: number }> {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state(3) ppid(4) … utime(14) stime(15), numbered as in proc(5).
      all.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone between the listing and the read
    }
  }
  return all;
}

/** A Chromium process's `--type` ('browser' for the browser process itself); 'other' for anything else. */
function kindOf(pid: number): string {
  try {
    // Chromium rewrites its child processes' argv into one string: look for --type= anywhere in it.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    if (!/^\S*chrom/i.test(cmdline)) return 'other';
    return /--type=(\S+)/.exec(cmdline)?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/** The root and all its descendants, with their kind and CPU ticks so far. */
function sampleTree(root: number): Map<number, ProcTimes> {
  const all = readAll();
  const tree = new Map<number, ProcTimes>();
  const walk = (pid: number) => {
    const p = all.get(pid);
    if (!p) return;
    tree.set(pid, { kind: kindOf(pid), ticks: p.ticks });
    for (const [child, c] of all) if (c.ppid === pid) walk(child);
  };
  walk(root);
  return tree;
}

/** CPU use over `ms` of the process tree under `root`, by kind, as % of one core. */
export async function cpuOver(root: number, ms: number): Promise<Record<string, number>> {
  const before = sampleTree(root);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const after = sampleTree(root);
  const seconds = (performance.now() - t0) / 1000;
  const byKind: Record<string, number> = {};
  for (const [pid, p] of after) {
    // A process started during the window counts from zero.
    const used = p.ticks - (before.get(pid)?.ticks ?? 0);
    byKind[p.kind] = (byKind[p.kind] ?? 0) + (used / TICKS_PER_SECOND / seconds) * 100;
  }
  return byKind;
}
