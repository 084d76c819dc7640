// inOneWrite on a real Redis: a burst of commands leaves the socket as one write and every reply comes back; a
// burst that throws part-way still leaves the connection writing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { inOneWrite } from '../src/store/connection';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv;
beforeEach(async () => {
  t = testEnv();
  await t.db.redis.ping();
});
afterEach(() => t.cleanup());

/** How many times the connection's socket hands bytes to the system while `run` runs. */
async function socketWrites(run: () => Promise<unknown>): Promise<number> {
  const socket = (t.db.redis as unknown as { stream: Socket & { _writeGeneric: (...a: unknown[]) => unknown } }).stream;
  const original = socket._writeGeneric;
  let writes = 0;
  socket._writeGeneric = function (...args: unknown[]) {
    writes++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    socket._writeGeneric = original;
  }
  return writes;
}

describe('a burst of commands in one write', () => {
  it('sends sixty commands and pipelines in one write, with every reply', async () => {
    const key = (i: number) => t.db.keys.profile(`sub_${i}`);
    const burst = () =>
      Promise.all([
        ...Array.from({ length: 50 }, (_, i) => t.db.redis.set(key(i), String(i))),
        ...Array.from({ length: 10 }, (_, i) =>
          t.db.redis
            .pipeline()
            .get(key(i))
            .incr(key(100 + i))
            .exec(),
        ),
      ]);
    expect(await socketWrites(burst)).toBeGreaterThan(30); // as sent without it: one write per command or pipeline
    let replies: Awaited<ReturnType<typeof burst>> = [];
    expect(await socketWrites(async () => (replies = await inOneWrite(t.db.redis, burst)))).toBe(1);
    expect(replies.slice(0, 50)).toEqual(Array(50).fill('OK'));
    expect(replies[50]).toEqual([
      [null, '0'],
      [null, 2],
    ]);
  });

  it('leaves the connection writing when the burst throws part-way', async () => {
    const pending = [] as Array<Promise<unknown>>;
    expect(() =>
      inOneWrite(t.db.redis, () => {
        pending.push(t.db.redis.set(t.db.keys.profile('a'), '1'));
        throw new Error('part-way');
      }),
    ).toThrow('part-way');
    expect(await Promise.all(pending)).toEqual(['OK']);
    expect(await t.db.redis.get(t.db.keys.profile('a'))).toBe('1');
  });
});
