import { describe, expect, it } from 'vitest';
import { keySlot } from './key-slot';
import { bucketTag, createKeys, READER_BUCKETS } from './keys';

describe('keySlot', () => {
  it("agrees with Redis Cluster's own examples", () => {
    // From the Redis Cluster specification: CRC16 of "123456789" is 0x31C3; tags hash only their first {…}.
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar')); // an empty first tag: the whole key is hashed
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  it('spreads the reader buckets evenly over three masters with the slots redis-cli gives them', () => {
    // redis-cli --cluster create splits the slots in three ranges: 0-5460, 5461-10922, 10923-16383.
    const perNode = [0, 0, 0];
    for (let b = 0; b < READER_BUCKETS; b++) perNode[Math.min(2, Math.floor(keySlot(bucketTag(b)) / 5461))]!++;
    for (const n of perNode) expect(n / READER_BUCKETS).toBeLessThan(0.4);
  });

  it("keeps a reader's keys in one slot, whatever the prefix", () => {
    const keys = createKeys('tidings:');
    const id = 'sub_abc';
    const slots = new Set(
      [
        keys.profile(id),
        keys.readerPrefs(id),
        keys.sentArticles(id),
        keys.readerActions(id),
        keys.readerFollows(id),
        keys.clickWindow(id, 'e1'),
        keys.delivery('e1', id),
      ].map(keySlot),
    );
    expect(slots.size).toBe(1);
    expect(() => createKeys('{tidings}:')).toThrow(/REDIS_PREFIX must not contain/);
  });
});
