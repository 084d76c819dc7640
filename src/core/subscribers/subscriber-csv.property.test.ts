// Properties of subscriber CSV rows over thousands of generated files: no throw, every row answered,
// accepted rows within the limits, reasons short and printable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSubscriberCsv } from './subscriber-csv';

const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const cell = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    'ada@example.com',
    'UTC',
    'Europe/Berlin',
    'rust;email',
    '"',
    '""',
    '","',
    '\u001b[31m',
    '\u202e',
    ';;',
    'a'.repeat(70) + '@example.com',
    'x'.repeat(120),
  ),
  fc.emailAddress(),
);
const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
const file = fc.array(line, { maxLength: 20 }).map((lines) => lines.join('\n'));

describe('subscriber CSV over generated files', () => {
  it('answers every non-blank row, never throws, and keeps accepted rows within the limits', () => {
    fc.assert(
      fc.property(file, (text) => {
        for (const row of parseSubscriberCsv(text)) {
          if (row.ok) {
            const [local = ''] = row.subscriber.email.split('@');
            expect(local.length).toBeLessThanOrEqual(64);
            expect(row.subscriber.email.length).toBeLessThanOrEqual(254);
            for (const topic of row.subscriber.topics ?? []) {
              expect(topic.length).toBeLessThanOrEqual(100);
              expect(topic).not.toMatch(UNPRINTABLE);
            }
          } else {
            expect(row.reason.length).toBeLessThan(400);
            expect(row.reason).not.toMatch(UNPRINTABLE);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});
