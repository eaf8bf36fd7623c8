/**
 * The embedded default: the bundled central data service (central/main.ts, its own layer, which the app never
 * imports) started as a child process on a loopback port with the demo source writing into a store file in the
 * data folder. The app then syncs from it exactly as from a district's service, and a restart of either loses
 * nothing. The child ends when our pipe to it closes, so a killed app leaves no service behind.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/** A started service program: its output, its end, and a way to stop it. */
export interface LaunchedProgram {
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves with the exit code when the program has ended. */
  exited: Promise<number | null>;
  /** Asks it to end (SIGTERM); `force` kills it. */
  kill(force?: boolean): void;
}

/**
 * Runs a Node program with arguments and environment. The default runs it with this process's Node; Electron's
 * main passes one built on utilityProcess.fork (its packaged binary has the run-as-node fuse off).
 */
export type ProgramLauncher = (modulePath: string, args: string[], env: Record<string, string>) => LaunchedProgram;

/** Node's child_process: from sources through tsx; the child ends when our pipe (its stdin) closes. */
export const nodeLauncher: ProgramLauncher = (modulePath, args, env) => {
  const execArgv = modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...execArgv, modulePath, ...args, '--exit-with-stdin'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill(force) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill(force ? 'SIGKILL' : 'SIGTERM');
    },
  };
};

export interface EmbeddedCentralOptions {
  /** The store file the demo source fills and keeps writing to. */
  storeFile: string;
  /** Live changes per second (default 0.05). */
  rate?: number;
  seed?: number | string;
  events?: number;
  /** The folder holding openapi.json and data/ (packaged resources); by default the program finds its own. */
  resourcesDir?: string;
  log?: (line: string) => void;
  /** How long the first start may take (it fills the store: ~10 s for the district). Default 5 minutes. */
  startTimeoutMs?: number;
  launcher?: ProgramLauncher;
}

export interface EmbeddedCentral {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Must match central/main.ts's EMBEDDED_TOKEN_ENV (the app may not import that layer). */
const TOKEN_ENV = 'GCC_CENTRAL_TOKEN';

/** The program: central/main.ts from sources (tsx, vitest); central.js next to main.js in the Electron bundle. */
function programPath(): string {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith('.ts') ? '../central/main.ts' : './central.js', here).pathname;
}

export async function startEmbeddedCentral(options: EmbeddedCentralOptions): Promise<EmbeddedCentral> {
  const log = options.log ?? (() => {});
  const token = randomBytes(24).toString('base64url');
  const args = ['--embedded', '--demo', '--store', options.storeFile, '--port', '0', '--host', '127.0.0.1', '--rate', String(options.rate ?? 0.05)];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.events !== undefined) args.push('--events', String(options.events));
  if (options.resourcesDir) args.push('--resources', options.resourcesDir);

  const child = (options.launcher ?? nodeLauncher)(programPath(), args, { [TOKEN_ENV]: token });
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    errors.push(line);
    if (errors.length > 20) errors.shift();
    log(line);
  });
  let ended = false;
  void child.exited.then(() => (ended = true));

  const timeoutMs = options.startTimeoutMs ?? 300_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The embedded central service did not start within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The embedded central service stopped at start (exit code ${code}): ${errors.slice(-3).join(' ') || 'no message'}`));
    });
  }).catch((error: unknown) => {
    child.kill(true);
    throw error;
  });

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    close() {
      closing ??= (async () => {
        if (ended) return;
        child.kill();
        const timer = setTimeout(() => child.kill(true), 5000);
        await child.exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
