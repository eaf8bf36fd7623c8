/**
 * Runs the embedded central data service in an Electron utility process. The packaged binary has the run-as-node
 * fuse off (electron-builder.config.cjs), so the core's default launcher (Node's child_process with Electron as
 * Node) cannot be used; a utility process runs Node code with the app's own native add-ons and ends with the app.
 */
import { utilityProcess } from 'electron';
import type { ProgramLauncher } from '../../core/embedded-central';

export const utilityLauncher: ProgramLauncher = (modulePath, args, env) => {
  const child = utilityProcess.fork(modulePath, args, { stdio: 'pipe', env: { ...process.env, ...env }, serviceName: 'Grid Command Center central service' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code: number) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  if (!child.stdout || !child.stderr) throw new Error('The central service was started without its output pipes.');
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill() {
      // A utility process has no signals to choose from: kill() ends it (the store's transactions keep it whole).
      if (!ended) child.kill();
    },
  };
};
