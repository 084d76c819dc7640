// Every Redis key Tidings uses, named in one place. All live under one configurable prefix (which holds no braces).
//
// The layout is the same on one Redis and on a Redis Cluster, and spreads on a cluster: a key's slot is the hash of
// the text inside its first {…}, and every command, script or transaction touches keys of one tag only.
//   {bNNNN}   one of READER_BUCKETS buckets of readers: everything kept per reader (the subscriber record too),
//             per-bucket delivery records and counters, the learner's deltas, and the bucket's shard of the events stream
//   {u:<id>}  a sign-in user's session index;  {s:<id>} a session and its refresh tokens;  {otp:<hash>} a link record
//   {articles} {sources} {schedules} {subscribers} {auth-users} {learned}: read-mostly shared data and indexes that some transactions touch together
//             ({subscribers} holds the indexes by email and by creation; each record is in its reader's bucket)
// Keys with no tag (counters, streams, indexes) live alone and need none.
import type { Cluster, Redis } from 'ioredis';
import { fnv1a } from '../core/encoding';

/**
 * Readers are spread over this many buckets, each a hash tag of its own: 23/22/19 of them per master with the slots
 * redis-cli gives three. A bucket holds its readers' state, their delivery records and counters, and their shard of
 * the events stream, so sending and learning stay atomic in one slot (more buckets would spread finer, but every
 * consumer group reads every shard).
 */
export const READER_BUCKETS = 64;

/** A reader's bucket: FNV-1a of the subscriber id, so every process (and every runtime) agrees without a lookup. */
export function readerBucket(subscriberId: string): number {
  return fnv1a(subscriberId) % READER_BUCKETS;
}

/** The hash tag of a bucket, e.g. {b0417}. */
export function bucketTag(bucket: number): string {
  return `{b${String(bucket).padStart(4, '0')}}`;
}

/** The hash tag of a reader's bucket. */
export const readerTag = (subscriberId: string): string => bucketTag(readerBucket(subscriberId));

/** The reader-events stream has one shard per bucket of readers, read by every consumer group. */
export const EVENT_SHARDS = READER_BUCKETS;

/** A reader's events shard is its bucket: one reader's events stay in one stream, in order, in the bucket's slot. */
export const eventShard = (subscriberId: string): number => readerBucket(subscriberId);

/** The tag a rate-limit bucket lives under: its subject (`email-hour:<hash>` → `{rl:<hash>}`), so one subject's windows share a slot. */
export const rateTag = (bucket: string): string => `{rl:${bucket.split(':')[1] ?? bucket}}`;

/** Group items by the reader bucket of each (per-bucket scripts and transactions take one group each). */
export function groupByBucket<T>(items: readonly T[], subscriberOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const bucket = readerBucket(subscriberOf(item));
    const group = groups.get(bucket);
    if (group) group.push(item);
    else groups.set(bucket, [item]);
  }
  return groups;
}

export function createKeys(prefix: string) {
  if (/[{}]/.test(prefix)) throw new Error(`REDIS_PREFIX must not contain { or } (got ${prefix}): the keys carry their own hash tags.`);
  const events = (shard: number) => `${prefix}events:${bucketTag(shard)}`; // stream: reader events of one bucket of readers
  return {
    prefix,
    articles: `${prefix}{articles}`, // hash: article id → article JSON
    articlesByPublished: `${prefix}{articles}:by-published`, // zset: article id, score = published ms
    quarantine: `${prefix}quarantine`, // stream: items refused by a contract, with reasons
    sources: `${prefix}{sources}`, // hash: source id → source JSON
    profile: (subscriberId: string) => `${prefix}profile:${readerTag(subscriberId)}:${subscriberId}`, // string: interest profile JSON
    readerPrefs: (subscriberId: string) => `${prefix}prefs:${readerTag(subscriberId)}:${subscriberId}`, // string: the reader's corrections JSON
    popularity: `${prefix}{learned}:popularity`, // hash: "c:<article>" / "d:<article>" → forward-decayed clicks / deliveries
    sourceEngagement: `${prefix}{learned}:engagement:sources`, // hash: source id → forward-decayed reader engagement
    globalInterest: `${prefix}{learned}:interest:global`, // hash: "<feature>:+" / "<feature>:-" → forward-decayed strength
    sourceState: `${prefix}{sources}:state`, // hash: source id → fetch state JSON (validators, failures, backoff)
    learnStats: `${prefix}{learned}:stats`, // hash: outcome → count of reader events the learner handled
    // The four {learned} views above are written only by the rollup (src/store/learned-rollup.ts): the learner adds its
    // increments to its bucket's delta in the reader's own transaction, and the rollup moves each delta over once.
    learnedDelta: (bucket: number) => `${prefix}learned-delta:${bucketTag(bucket)}`, // hash: "<view>|<field>" → increment not yet rolled up
    learnedPending: (bucket: number) => `${prefix}learned-pending:${bucketTag(bucket)}`, // hash: a claimed delta being rolled up, and its "#gen"
    learnedGeneration: (bucket: number) => `${prefix}learned-gen:${bucketTag(bucket)}`, // counter: the bucket's last claimed delta generation
    learnedRolledUp: `${prefix}{learned}:rolled-up`, // hash: bucket → the last delta generation added to the views
    quarantineSeen: (sourceId: string) => `${prefix}quarantine:seen:${sourceId}`, // set: fingerprints of items already quarantined
    learnedEntry: (subscriberId: string, entryId: string) => `${prefix}learned:${readerTag(subscriberId)}:${entryId}`, // string, short TTL: this stream entry was applied
    subscriber: (subscriberId: string) => `${prefix}subscribers:${readerTag(subscriberId)}`, // hash: subscriber id → subscriber JSON, one per bucket of readers
    subscribersOfBucket: (bucket: number) => `${prefix}subscribers:${bucketTag(bucket)}`, // the same hash, named by its bucket
    subscribersByEmail: `${prefix}{subscribers}:by-email`, // hash: email → subscriber id (an index: the record is in the reader's bucket)
    subscribersByCreated: `${prefix}{subscribers}:by-created`, // zset: subscriber id, score = created ms (an index too)
    sentArticles: (subscriberId: string) => `${prefix}sent:${readerTag(subscriberId)}:${subscriberId}`, // set of article ids
    delivery: (editionId: string, subscriberId: string) => `${prefix}delivery:${readerTag(subscriberId)}:${editionId}`, // hash: subscriber id → delivery JSON, one per bucket of readers
    deliveryOfBucket: (editionId: string, bucket: number) => `${prefix}delivery:${bucketTag(bucket)}:${editionId}`, // the same hash, named by its bucket
    editionCounts: (editionId: string, bucket: number) => `${prefix}edition-counts:${bucketTag(bucket)}:${editionId}`, // hash: planned, queued, sent, failed, skipped of one bucket
    editionBuckets: (editionId: string) => `${prefix}edition-buckets:${editionId}`, // set: the buckets holding delivery records of the edition
    events, // stream: reader events of one shard (0 … EVENT_SHARDS - 1)
    readerEvents: (subscriberId: string) => events(eventShard(subscriberId)), // the shard holding this reader's events
    eventStreams: Array.from({ length: EVENT_SHARDS }, (_, shard) => events(shard)), // every shard, in shard order
    // Bot detection per (subscriber, edition), in the reader's bucket so one script touches all three.
    clickWindow: (subscriberId: string, editionId: string) => `${prefix}clicks:${readerTag(subscriberId)}:${subscriberId}:${editionId}`, // zset: link id, score = its latest click ms
    botBursts: (subscriberId: string, editionId: string) => `${prefix}bot-bursts:${readerTag(subscriberId)}:${subscriberId}:${editionId}`, // zset: clicks that completed a burst, score = ms
    botHoneypots: (subscriberId: string, editionId: string) =>
      `${prefix}bot-honeypots:${readerTag(subscriberId)}:${subscriberId}:${editionId}`, // zset: honeypot hits, score = ms
    readerActions: (subscriberId: string) => `${prefix}actions:${readerTag(subscriberId)}:${subscriberId}`, // hash: vote:<article> → up|down, bookmark:<article> → 1
    outbox: `${prefix}outbox`, // list, newest first: dev outbox messages
    seeded: `${prefix}seeded`, // string: set once the demo content is in place
    authUser: (id: string) => `${prefix}auth:user:{u:${id}}`, // string: auth user JSON, with the user's session index
    authUsersByEmail: `${prefix}{auth-users}:by-email`, // hash: lower-cased email → user id
    authOtp: (tokenHash: string) => `${prefix}auth:otp:{otp:${tokenHash}}`, // string (TTL): one-time link record, keyed by the token's SHA-256
    authOtpCode: (codeHash: string) => `${prefix}auth:otp-code:${codeHash}`, // string (TTL): SHA-256(email, 6-digit code) → link token hash
    authOtpHint: (tokenHash: string) => `${prefix}auth:otp-hint:{otp:${tokenHash}}`, // string (TTL 1 day): token hash → email, to offer a new link
    authFlowCode: (codeHash: string) => `${prefix}auth:flow-code:${codeHash}`, // string (TTL): PKCE auth code record
    authSession: (id: string) => `${prefix}auth:session:{s:${id}}`, // string (TTL): provider session JSON
    authUserSessions: (userId: string) => `${prefix}auth:user-sessions:{u:${userId}}`, // set of session ids
    authRefresh: (sessionId: string, tokenHash: string) => `${prefix}auth:refresh:{s:${sessionId}}:${tokenHash}`, // string (TTL): live refresh token → session id (the token names its session)
    authRefreshUsed: (sessionId: string, tokenHash: string) => `${prefix}auth:refresh-used:{s:${sessionId}}:${tokenHash}`, // string (TTL): rotated refresh token → session id
    authSiteSession: (id: string) => `${prefix}auth:site-session:${id}`, // string (TTL): this site's cookie session JSON
    authRate: (bucket: string) => `${prefix}auth:rate:${rateTag(bucket)}:${bucket}`, // string (TTL): rate-limit counter
    authMail: `${prefix}auth:mail`, // stream: sign-in mail requests for the workers (sealed)
    schedules: `${prefix}{schedules}`, // hash: schedule name → schedule JSON (written by CLI and edge, applied by workers)
    schedulesVersion: `${prefix}{schedules}:version`, // counter: bumped on every schedule change, polled by the reconciler
    editions: `${prefix}editions`, // zset: edition id, score = first planned ms
    edition: (editionId: string) => `${prefix}edition:${editionId}`, // hash: counters (planned, queued, sent, …) and meta
    planCursor: (runKey: string) => `${prefix}plan:${runKey}`, // string: how far a planning run has walked the subscribers
    sentBriefing: (handle: string) => `${prefix}briefing:${handle}`, // string (TTL): what one reader was sent in one edition, deflated JSON
    sentBatch: (batchId: string) => `${prefix}sent-batch:${batchId}`, // bytes (TTL): the exact request of a sent batch, for truthful previews
    pendingBatch: (batchId: string) => `${prefix}pending:${batchId}`, // string: the exact request of a batch whose outcome is unknown
    webhookEvents: `${prefix}webhook-events`, // stream: provider webhook events as received
    sendPacer: `${prefix}send:pacer`, // string: ms time of the next free provider request slot (shared by all workers)
    outboxBatch: (idempotencyKey: string) => `${prefix}outbox:batch:${idempotencyKey}`, // string: results of a batch the dev outbox took
    webhookSeen: (id: string) => `${prefix}webhook-seen:${id}`, // string: a webhook id already handled (retries are ignored)
    readerEditions: (subscriberId: string) => `${prefix}reader:editions:${readerTag(subscriberId)}:${subscriberId}`, // zset: edition id, score = sent ms (the reader's archive)
    readerBriefings: (subscriberId: string) => `${prefix}reader:briefings:${readerTag(subscriberId)}:${subscriberId}`, // hash: edition id → what was sent (article ids, reasons, sent_at) JSON
    signup: (email: string) => `${prefix}signup:${email}`, // string (TTL): a sign-up's choices, waiting for its magic link to be confirmed
    welcome: `${prefix}welcome`, // stream: welcome briefings the edge app asked for, sent by a worker
    authUserSiteSessions: (userId: string) => `${prefix}auth:user-site-sessions:{u:${userId}}`, // set of this site's cookie session ids (ended together on account deletion)
    deletedAccounts: `${prefix}accounts:deleted`, // counter: accounts deleted by their owner (an anonymous aggregate)
    suggestions: `${prefix}discovery:suggestions`, // hash: site URL → suggested source JSON (open, accepted or dismissed)
    discoveryChecked: `${prefix}discovery:checked`, // hash: candidate site → ms it was last looked at (not again for a while)
    discoveryFetches: (hour: string) => `${prefix}discovery:fetches:${hour}`, // counter (TTL): discovery fetches in one UTC hour
    searchQueries: (day: string) => `${prefix}discovery:searches:${day}`, // counter (TTL): search queries sent in one UTC day
    discoveryLease: `${prefix}discovery:lease`, // string (TTL one interval): the worker that runs this interval's discovery round
    foundArticles: `${prefix}discovery:found`, // hash: article id → the interest a search found it for
    robots: (origin: string) => `${prefix}discovery:robots:${origin}`, // string (TTL): a site's robots.txt, as fetched
    readerFollows: (subscriberId: string) => `${prefix}follows:${readerTag(subscriberId)}:${subscriberId}`, // set: source ids the reader followed from a suggestion
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** One Redis or a Redis Cluster: the same commands, and Tidings' keys keep every command within one slot. */
export type RedisClient = Redis | Cluster;

/** A Redis connection with the key names of one deployment (or one test). */
export interface Db {
  redis: RedisClient;
  keys: Keys;
}
