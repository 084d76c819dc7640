import { describe, expect, it } from 'vitest';
import { cronProblem, MAX_CRON_LENGTH } from './cron';

describe('cron input limits', () => {
  it('refuses patterns longer than MAX_CRON_LENGTH, lists with too many items, and numbers with too many digits', () => {
    expect(cronProblem(`${Array.from({ length: 60 }, (_, i) => i).join(',')} 7 * * *`)).toBeNull(); // every minute listed: fine
    expect(cronProblem(`${'0,'.repeat(600)}0 7 * * *`)).toMatch(new RegExp(`at most ${MAX_CRON_LENGTH} characters`));
    expect(cronProblem(`${'0,'.repeat(70)}0 7 * * *`)).toMatch(/minute .*at most 60 items/);
    expect(cronProblem('0000000000000007 7 * * *')).toMatch(/minute/);
    expect(cronProblem('*/99999999999999999999 * * * *')).toMatch(/minute/);
  });

  it('refuses a day of month that no chosen month has, which would never run (BullMQ refuses it too)', () => {
    for (const pattern of ['0 7 31 2 *', '0 7 30 2 *', '0 7 31 4 *', '0 7 31 2,4 *'])
      expect(cronProblem(pattern), pattern).toMatch(/never falls in month .*would never run/);
    // A leap day runs every four years; with a weekday as well, the weekday runs.
    for (const pattern of ['0 7 29 2 *', '0 7 31 2 1', '0 7 31 * *']) expect(cronProblem(pattern), pattern).toBeNull();
  });
});
