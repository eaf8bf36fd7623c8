/**
 * Cleanups still due, run by a SIGINT/SIGTERM handler too: an interrupted benchmark must not leave a PostgreSQL
 * server, service processes or gigabytes of temporary files behind. `interrupted` tells a cleanup that the process
 * is about to exit (kill at once rather than stop politely).
 */
const pending = new Set<(interrupted: boolean) => void | Promise<void>>();

function onInterrupt(signal: NodeJS.Signals) {
  for (const cleanup of [...pending].reverse()) {
    try {
      void cleanup(true);
    } catch {
      // best effort: the rest still run
    }
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Runs `run`, then `cleanup` (also on SIGINT/SIGTERM while it runs). */
export async function withCleanup<T>(cleanup: (interrupted: boolean) => void | Promise<void>, run: () => Promise<T>): Promise<T> {
  pending.add(cleanup);
  if (pending.size === 1) {
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
  }
  try {
    return await run();
  } finally {
    pending.delete(cleanup);
    if (pending.size === 0) {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    }
    await cleanup(false);
  }
}
