import { describe, expect, it } from 'vitest';
import { parseSubscriberCsv } from './subscriber-csv';

const rows = (text: string) => [...parseSubscriberCsv(text)];

describe('subscriber CSV rows and their limits', () => {
  it('refuses a 100,000-character local part, saying the limit, without echoing the whole value', () => {
    const [row] = rows(`${'a'.repeat(100_000)}@example.com,UTC,`);
    expect(row).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/^email .*at most 64 characters before the @/) });
    expect(row!.ok === false && row!.reason.length).toBeLessThan(300);
  });

  it('refuses an address over 254 characters', () => {
    const [row] = rows(`reader@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com,UTC,`);
    expect(row).toMatchObject({ ok: false, reason: expect.stringMatching(/^email .*at most 254 characters/) });
  });

  it('refuses a 100,000-character topic, naming the limit', () => {
    const [row] = rows(`ada@example.com,UTC,rust;${'x'.repeat(100_000)}`);
    expect(row).toMatchObject({ ok: false, reason: expect.stringMatching(/^topics .*at most 100 characters/) });
    expect(row!.ok === false && row!.reason.length).toBeLessThan(300);
  });

  it('refuses control and bidi-override characters in a topic, and shows them escaped', () => {
    const [row] = rows('ada@example.com,UTC,"ok;\u001b[31mred;\u202eevil"');
    expect(row).toMatchObject({ ok: false, reason: expect.stringMatching(/^topics .*control characters/) });
    expect(row!.ok === false && row!.reason).not.toMatch(/[\u001b\u202e]/);
    expect(row!.ok === false && row!.reason).toContain('\\u001b');
  });

  it('keeps ordinary rows as they were', () => {
    expect(rows('ada@example.com,Europe/Berlin,Rust;email')).toEqual([
      { ok: true, line: 1, subscriber: { email: 'ada@example.com', timezone: 'Europe/Berlin', topics: ['rust', 'email'] } },
    ]);
  });

  it('leaves topics and zone alone for an empty cell, with or without a header, as the guide promises', () => {
    for (const text of ['email,timezone,topics\nada@example.com,,', 'ada@example.com,,'])
      expect(rows(text)).toEqual([
        { ok: true, line: text.includes('\n') ? 2 : 1, subscriber: { email: 'ada@example.com', timezone: undefined, topics: undefined } },
      ]);
  });

  it('refuses a row with more fields than its header names, rather than dropping what an unquoted comma split off', () => {
    const [row] = rows('email,timezone,topics\nhank@example.com,UTC,rust,email');
    expect(row).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/^has 4 columns but the header names 3; quote values/) });
    // A named column Tidings does not use is still ignored.
    expect(rows('name,email\nHank,hank@example.com')).toMatchObject([{ ok: true, subscriber: { email: 'hank@example.com' } }]);
  });
});
