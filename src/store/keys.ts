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
    outbox: `${prefix}outbox`, // list, newest first: dev outbox messages
    seeded: `${prefix}seeded`, // string: set once the demo content is in place
    schedules: `${prefix}schedules`, // hash: schedule name → schedule JSON (written by CLI and edge, applied by workers)
    schedulesVersion: `${prefix}schedules:version`, // counter: bumped on every schedule change, polled by the reconciler
    editions: `${prefix}editions`, // zset: edition id, score = first planned ms
    edition: (editionId: string) => `${prefix}edition:${editionId}`, // hash: counters (planned, queued, sent, …) and meta
    planCursor: (runKey: string) => `${prefix}plan:${runKey}`, // string: how far a planning run has walked the subscribers
    pendingBatch: (batchId: string) => `${prefix}pending:${batchId}`, // string: the exact request of a batch whose outcome is unknown
    webhookEvents: `${prefix}webhook-events`, // stream: provider webhook events as received
    sendPacer: `${prefix}send:pacer`, // string: ms time of the next free provider request slot (shared by all workers)
    outboxBatch: (idempotencyKey: string) => `${prefix}outbox:batch:${idempotencyKey}`, // string: results of a batch the dev outbox took
    webhookSeen: (id: string) => `${prefix}webhook-seen:${id}`, // string: a webhook id already handled (retries are ignored)
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** A Redis connection with the key names of one deployment (or one test). */
export interface Db {
  redis: Redis;
  keys: Keys;
}
