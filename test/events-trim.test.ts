// The events stream is trimmed of old entries, but never of one a consumer group has not finished with.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trimEvents } from '../src/store/events';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

const DAY = 24 * 60 * 60_000;
const now = Date.parse('2026-11-21T12:00:00Z');

/** Entries written 40, 35 and 31 days ago, and 1 day ago and now, with ids that say so. */
async function fill(): Promise<string[]> {
  const ids: string[] = [];
  for (const daysAgo of [40, 35, 31, 1, 0])
    ids.push((await t.db.redis.xadd(t.db.keys.events(0), `${now - daysAgo * DAY}-0`, 'event', `{"days_ago":${daysAgo}}`)) as string);
  return ids;
}

const remaining = async () => (await t.db.redis.xrange(t.db.keys.events(0), '-', '+')).map(([id]) => id);

describe('trimming the events stream', () => {
  it('keeps what is younger than the retention, and everything when nothing is old', async () => {
    const ids = await fill();
    expect(await trimEvents(t.db, 30 * DAY, now, { exact: true })).toBe(3);
    expect(await remaining()).toEqual(ids.slice(3));
    expect(await trimEvents(t.db, 30 * DAY, now, { exact: true })).toBe(0);
  });

  it('stops at the oldest entry a group has not read yet, and at one it holds pending', async () => {
    const ids = await fill();
    // The learner has read everything; the judge only the first entry, and has not acknowledged it.
    await t.db.redis.xgroup('CREATE', t.db.keys.events(0), 'learn', '$');
    await t.db.redis.xgroup('CREATE', t.db.keys.events(0), 'judge', '0');
    await t.db.redis.xreadgroup('GROUP', 'judge', 'j1', 'COUNT', 1, 'STREAMS', t.db.keys.events(0), '>');
    expect(await trimEvents(t.db, 30 * DAY, now, { exact: true })).toBe(0);
    expect(await remaining()).toEqual(ids);

    // It acknowledges that one and reads the next: the first may go, the second is still held.
    await t.db.redis.xack(t.db.keys.events(0), 'judge', ids[0]!);
    await t.db.redis.xreadgroup('GROUP', 'judge', 'j1', 'COUNT', 1, 'STREAMS', t.db.keys.events(0), '>');
    expect(await trimEvents(t.db, 30 * DAY, now, { exact: true })).toBe(1);
    expect(await remaining()).toEqual(ids.slice(1));

    // Once it has caught up, only the retention holds entries back.
    await t.db.redis.xack(t.db.keys.events(0), 'judge', ids[1]!);
    await t.db.redis.xreadgroup('GROUP', 'judge', 'j1', 'COUNT', 10, 'STREAMS', t.db.keys.events(0), '>');
    await t.db.redis.xack(t.db.keys.events(0), 'judge', ...ids.slice(2));
    expect(await trimEvents(t.db, 30 * DAY, now, { exact: true })).toBe(2);
    expect(await remaining()).toEqual(ids.slice(3));
  });

  it('does nothing when there is no stream yet', async () => {
    expect(await trimEvents(t.db, 30 * DAY, now)).toBe(0);
  });
});
