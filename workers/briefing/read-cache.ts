// One batch composes up to 100 briefings that all read the same candidate articles and sources. This wraps
// the Redis connection for the length of one batch so those reads are fetched once and shared, without
// changing the ranking seam (selectArticles(db, subscriber, limit)). Everything else passes straight through.
import type { Db } from '../../src/store/keys';

/** Read commands whose answers are memoised when every key they touch is a shared, slowly changing one. */
const CACHED = new Set(['zrevrange', 'zrange', 'hmget', 'hget', 'hgetall', 'hvals']);

export function withBatchReadCache(db: Db): Db {
  const shared = new Set([db.keys.articles, db.keys.articlesByPublished, db.keys.sources]);
  const answers = new Map<string, Promise<unknown>>();
  const redis = new Proxy(db.redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !CACHED.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        if (!shared.has(args[0] as string) || args.some((a) => typeof a === 'function')) return value.apply(target, args);
        const key = `${prop}\u0000${JSON.stringify(args)}`;
        let answer = answers.get(key);
        if (!answer) {
          answer = value.apply(target, args) as Promise<unknown>;
          answers.set(key, answer);
          answer.catch(() => answers.delete(key));
        }
        return answer;
      };
    },
  });
  return { redis, keys: db.keys };
}
