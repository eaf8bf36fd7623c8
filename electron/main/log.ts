/**
 * The main process's logger: three methods, whatever writes them. The app writes rotating files (createFileLog);
 * tests and scripts use the console.
 */
import path from 'node:path';
import { app } from 'electron';
import electronLog from 'electron-log/node';

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

export const LOG_FILE_NAME = 'main.log';
/** Past this size main.log becomes main.old.log (replacing the previous one) and a new main.log starts. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;

/** The folder with main.log and main.old.log, for the Settings page: staff send these files when asked. */
export function logFolder(): string {
  return app.getPath('logs');
}

export interface FileLogOptions {
  /** Asked at the first write; default: the app's logs folder. */
  folder?: () => string;
  maxBytes?: number;
  /** Also write to stdout/stderr (useful when started from a terminal). */
  console?: boolean;
}

let logIds = 0;

/**
 * A MainLog writing to <folder>/main.log through electron-log. Its Node flavour, not electron-log/main: that one
 * also listens on IPC channels and can inject a preload, through which any page could write into this log.
 */
export function createFileLog(options: FileLogOptions = {}): MainLog & { file(): string } {
  const logger = electronLog.create({ logId: `gcc-main-${++logIds}` });
  const folder = options.folder ?? logFolder;
  let file: string | undefined;
  const resolveFile = () => (file ??= path.join(folder(), LOG_FILE_NAME));

  logger.transports.file.resolvePathFn = resolveFile;
  logger.transports.file.maxSize = options.maxBytes ?? LOG_MAX_BYTES;
  logger.transports.file.level = 'info';
  logger.transports.file.setAppName(app.getName());
  logger.transports.console.level = options.console === false ? false : 'info';
  // Only the file and the console: electron-log would otherwise forward to renderers in development.
  if (logger.transports.ipc) logger.transports.ipc.level = false;
  logger.transports.remote.level = false;

  return {
    info: (message, ...details) => logger.info(message, ...details),
    warn: (message, ...details) => logger.warn(message, ...details),
    error: (message, ...details) => logger.error(message, ...details),
    file: resolveFile,
  };
}
