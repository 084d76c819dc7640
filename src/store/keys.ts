// Every Redis key Tidings uses, named in one place. All live under one configurable prefix.
import type { Redis } from 'ioredis';

export function createKeys(prefix: string) {
  return {
    prefix,
    articles: `${prefix}articles`, // hash: article id → article JSON
    articlesByPublished: `${prefix}articles:by-published`, // zset: article id, score = published ms
    quarantine: `${prefix}quarantine`, // stream: items refused by a contract, with reasons
    sources: `${prefix}sources`, // hash: source id → source JSON
    subscribers: `${prefix}subscribers`, // hash: subscriber id → subscriber JSON
    subscribersByEmail: `${prefix}subscribers:by-email`, // hash: email → subscriber id
    subscribersByCreated: `${prefix}subscribers:by-created`, // zset: subscriber id, score = created ms
    sentArticles: (subscriberId: string) => `${prefix}sent:${subscriberId}`, // set of article ids
    delivery: (editionId: string) => `${prefix}delivery:${editionId}`, // hash: subscriber id → delivery JSON
    events: `${prefix}events`, // stream: reader events
    // Bot detection per (subscriber, edition); hash-tagged so one script may touch both keys on a cluster.
    clickWindow: (subscriberId: string, editionId: string) => `${prefix}clicks:{${subscriberId}:${editionId}}`, // zset: link id, score = its latest click ms
    botBursts: (subscriberId: string, editionId: string) => `${prefix}bot-bursts:{${subscriberId}:${editionId}}`, // zset: clicks that completed a burst, score = ms
    botHoneypots: (subscriberId: string, editionId: string) => `${prefix}bot-honeypots:{${subscriberId}:${editionId}}`, // zset: honeypot hits, score = ms
    readerActions: (subscriberId: string) => `${prefix}actions:${subscriberId}`, // hash: vote:<article> → up|down, bookmark:<article> → 1
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
