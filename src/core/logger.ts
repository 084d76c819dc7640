// The logging interface the shared code writes to: pino on Node, the console on Workers.
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that writes JSON lines to the console (Workers, where pino does not run). */
export const consoleLogger: Logger = {
  debug: (obj, msg) => console.debug(JSON.stringify({ level: 'debug', msg, ...obj })),
  info: (obj, msg) => console.info(JSON.stringify({ level: 'info', msg, ...obj })),
  warn: (obj, msg) => console.warn(JSON.stringify({ level: 'warn', msg, ...obj })),
  error: (obj, msg) => console.error(JSON.stringify({ level: 'error', msg, ...obj })),
};
