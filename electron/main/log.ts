/**
 * The main process's logger. Console for now; the unattended-wall work swaps in rotating files behind the same
 * three methods, so nothing else changes.
 */
export interface MainLog {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const consoleLog: MainLog = {
  info: (message, ...details) => console.info(`[main] ${message}`, ...details),
  warn: (message, ...details) => console.warn(`[main] ${message}`, ...details),
  error: (message, ...details) => console.error(`[main] ${message}`, ...details),
};
