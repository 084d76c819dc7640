// The Node logger: pino, JSON lines in production (and tests), short readable lines in development.
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../src/core/logger';

/** One JSON log line as a person reads it: "12:00:01 WARN  message  key=value …". */
export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, msg, ...rest } = entry;
  const label = typeof level === 'number' ? (pino.levels.labels[level] ?? String(level)) : String(level ?? '');
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${clock} ${label.toUpperCase().padEnd(5)} ${msg ?? ''}${fields.length ? `  ${fields.join(' ')}` : ''}\n`;
}

const readable: DestinationStream = { write: (line: string) => void process.stdout.write(readableLine(line)) };

/** pino at `level`; `readable` lines for people (development), JSON lines for machines otherwise. */
export function createNodeLogger(level: string, options: { readable?: boolean } = {}): Logger {
  const settings = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  return options.readable ? pino(settings, readable) : pino(settings);
}
