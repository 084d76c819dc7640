// Development logs are lines a person reads; production logs stay pino JSON.
import { describe, expect, it } from 'vitest';
import { readableLine } from './logger';

describe('readable log lines', () => {
  it('turn a pino JSON line into time, level, message and fields', () => {
    const line = readableLine(
      JSON.stringify({
        level: 40,
        time: '2026-12-01T21:50:03.123Z',
        msg: 'batch refused by the provider',
        edition: 'morning-2026-11-23',
        sent: 3,
      }),
    );
    expect(line).toBe('21:50:03 WARN  batch refused by the provider  edition=morning-2026-11-23 sent=3\n');
  });

  it('pass through what is not JSON unchanged', () => {
    expect(readableLine('plain text\n')).toBe('plain text\n');
  });
});
