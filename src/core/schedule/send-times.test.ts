import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../contracts/schedule';
import { sendTimes } from './send-times';

const schedule = (name: string, cron: string, tz: string, paused = false): Schedule => ({
  name,
  cron,
  tz,
  paused,
  updated_at: '2026-12-01T00:00:00.000Z',
});
const now = new Date('2026-12-01T12:00:00Z');

describe('when briefings go out, as a reader sees it', () => {
  it('lets the reader choose the hour only when a running schedule follows each reader', () => {
    expect(sendTimes([schedule('m', '0 7 * * *', 'subscriber')], 'Europe/Berlin', now)).toEqual({ readerChooses: true });
    expect(sendTimes([schedule('m', '0 7 * * *', 'subscriber', true), schedule('f', '0 7 * * *', 'UTC')], 'Europe/Berlin', now)).toEqual({
      readerChooses: false,
      times: ['08:00'],
      inReaderZone: true,
    });
  });

  it("gives fixed schedules' times in the reader's zone, or in their own zone, named, when the reader's is unknown", () => {
    const fixed = [schedule('a', '30 6 * * 1-5', 'America/New_York'), schedule('b', '0 7 * * *', 'UTC')];
    expect(sendTimes(fixed, 'Asia/Kolkata', now)).toEqual({ readerChooses: false, times: ['12:30', '17:00'], inReaderZone: true });
    expect(sendTimes(fixed, null, now)).toEqual({
      readerChooses: false,
      times: ['06:30 America/New York', '07:00 UTC'],
      inReaderZone: false,
    });
    expect(sendTimes([], null, now)).toEqual({ readerChooses: false, times: [], inReaderZone: false });
  });
});
