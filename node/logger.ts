// The Node logger: pino, JSON lines to stdout, or readable lines when a person is watching.
import { pino } from 'pino';
import type { Logger } from '../src/core/logger';

export function createNodeLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
