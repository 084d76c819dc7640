// Every Redis key Tidings uses, named in one place. All live under one configurable prefix.
import type { Redis } from 'ioredis';

export function createKeys(prefix: string) {
  return {
    prefix,
    articles: `${prefix}articles`, // hash: article id → article JSON
    articlesByPublished: `${prefix}articles:by-published`, // zset: article id, score = published ms
    quarantine: `${prefix}quarantine`, // stream: items refused by a contract, with reasons
    sources: `${prefix}sources`, // hash: source id → source JSON
    profile: (subscriberId: string) => `${prefix}profile:${subscriberId}`, // string: interest profile JSON
    readerPrefs: (subscriberId: string) => `${prefix}prefs:${subscriberId}`, // string: the reader's corrections JSON
    popularity: `${prefix}popularity`, // hash: "c:<article>" / "d:<article>" → forward-decayed clicks / deliveries
    sourceEngagement: `${prefix}engagement:sources`, // hash: source id → forward-decayed reader engagement
    globalInterest: `${prefix}interest:global`, // hash: "<feature>:+" / "<feature>:-" → forward-decayed strength
    sourceState: `${prefix}sources:state`, // hash: source id → fetch state JSON (validators, failures, backoff)
    learnStats: `${prefix}learn:stats`, // hash: outcome → count of reader events the learner handled
    quarantineSeen: (sourceId: string) => `${prefix}quarantine:seen:${sourceId}`, // set: fingerprints of items already quarantined
    learnedEntry: (entryId: string) => `${prefix}learned:${entryId}`, // string, short TTL: this stream entry was applied
    subscribers: `${prefix}subscribers`, // hash: subscriber id → subscriber JSON
    subscribersByEmail: `${prefix}subscribers:by-email`, // hash: email → subscriber id
    subscribersByCreated: `${prefix}subscribers:by-created`, // zset: subscriber id, score = created ms
    sentArticles: (subscriberId: string) => `${prefix}sent:${subscriberId}`, // set of article ids
    delivery: (editionId: string) => `${prefix}delivery:${editionId}`, // hash: subscriber id → delivery JSON
    events: `${prefix}events`, // stream: reader events
    outbox: `${prefix}outbox`, // list, newest first: dev outbox messages
    seeded: `${prefix}seeded`, // string: set once the demo content is in place
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** A Redis connection with the key names of one deployment (or one test). */
export interface Db {
  redis: Redis;
  keys: Keys;
}
