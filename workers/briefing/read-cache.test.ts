// The per-batch read cache shares article and source reads, and nothing else.
import { afterEach, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../test/helpers';
import { withBatchReadCache } from './read-cache';

let t: TestEnv | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('the batch read cache', () => {
  it('answers repeated article reads from the first answer and lets every other read through', async () => {
    t = testEnv();
    const db = withBatchReadCache(t.db);
    await t.db.redis.hset(t.db.keys.articles, 'a1', 'first');
    expect(await db.redis.hmget(t.db.keys.articles, 'a1')).toEqual(['first']);
    await t.db.redis.hset(t.db.keys.articles, 'a1', 'second');
    expect(await db.redis.hmget(t.db.keys.articles, 'a1')).toEqual(['first']); // shared within the batch
    expect(await withBatchReadCache(t.db).redis.hmget(t.db.keys.articles, 'a1')).toEqual(['second']); // a new batch reads afresh

    await t.db.redis.hset(t.db.keys.subscribers, 's1', 'x');
    expect(await db.redis.hget(t.db.keys.subscribers, 's1')).toBe('x');
    await t.db.redis.hset(t.db.keys.subscribers, 's1', 'y');
    expect(await db.redis.hget(t.db.keys.subscribers, 's1')).toBe('y'); // per-reader data is never cached
    await db.redis.sadd(t.db.keys.sentArticles('s1'), 'a1');
    expect(await db.redis.smembers(t.db.keys.sentArticles('s1'))).toEqual(['a1']);
  });
});
