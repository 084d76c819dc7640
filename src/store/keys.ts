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
    // Bot detection per (subscriber, edition); hash-tagged so one script may touch both keys on a cluster.
    clickWindow: (subscriberId: string, editionId: string) => `${prefix}clicks:{${subscriberId}:${editionId}}`, // zset: link id, score = its latest click ms
    botBursts: (subscriberId: string, editionId: string) => `${prefix}bot-bursts:{${subscriberId}:${editionId}}`, // zset: clicks that completed a burst, score = ms
    botHoneypots: (subscriberId: string, editionId: string) => `${prefix}bot-honeypots:{${subscriberId}:${editionId}}`, // zset: honeypot hits, score = ms
    readerActions: (subscriberId: string) => `${prefix}actions:${subscriberId}`, // hash: vote:<article> → up|down, bookmark:<article> → 1
    outbox: `${prefix}outbox`, // list, newest first: dev outbox messages
    seeded: `${prefix}seeded`, // string: set once the demo content is in place
    authUsers: `${prefix}auth:users`, // hash: user id → auth user JSON
    authUsersByEmail: `${prefix}auth:users:by-email`, // hash: lower-cased email → user id
    authOtp: (tokenHash: string) => `${prefix}auth:otp:${tokenHash}`, // string (TTL): one-time link record, keyed by the token's SHA-256
    authOtpCode: (codeHash: string) => `${prefix}auth:otp-code:${codeHash}`, // string (TTL): SHA-256(email, 6-digit code) → link token hash
    authOtpHint: (tokenHash: string) => `${prefix}auth:otp-hint:${tokenHash}`, // string (TTL 1 day): token hash → email, to offer a new link
    authFlowCode: (codeHash: string) => `${prefix}auth:flow-code:${codeHash}`, // string (TTL): PKCE auth code record
    authSession: (id: string) => `${prefix}auth:session:${id}`, // string (TTL): provider session JSON
    authUserSessions: (userId: string) => `${prefix}auth:user-sessions:${userId}`, // set of session ids
    authRefresh: (tokenHash: string) => `${prefix}auth:refresh:${tokenHash}`, // string (TTL): live refresh token → session id
    authRefreshUsed: (tokenHash: string) => `${prefix}auth:refresh-used:${tokenHash}`, // string (TTL): rotated refresh token → session id
    authSiteSession: (id: string) => `${prefix}auth:site-session:${id}`, // string (TTL): this site's cookie session JSON
    authRate: (bucket: string) => `${prefix}auth:rate:${bucket}`, // string (TTL): rate-limit counter
    authMail: `${prefix}auth:mail`, // stream: sign-in mail requests for the workers (sealed)
    schedules: `${prefix}schedules`, // hash: schedule name → schedule JSON (written by CLI and edge, applied by workers)
    schedulesVersion: `${prefix}schedules:version`, // counter: bumped on every schedule change, polled by the reconciler
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
    readerEditions: (subscriberId: string) => `${prefix}reader:editions:${subscriberId}`, // zset: edition id, score = sent ms (the reader's archive)
    readerBriefings: (subscriberId: string) => `${prefix}reader:briefings:${subscriberId}`, // hash: edition id → what was sent (article ids, reasons, sent_at) JSON
    signup: (email: string) => `${prefix}signup:${email}`, // string (TTL): a sign-up's choices, waiting for its magic link to be confirmed
    welcome: `${prefix}welcome`, // stream: welcome briefings the edge app asked for, sent by a worker
    authUserSiteSessions: (userId: string) => `${prefix}auth:user-site-sessions:${userId}`, // set of this site's cookie session ids (ended together on account deletion)
    deletedAccounts: `${prefix}accounts:deleted`, // counter: accounts deleted by their owner (an anonymous aggregate)
    suggestions: `${prefix}discovery:suggestions`, // hash: site URL → suggested source JSON (open, accepted or dismissed)
    discoveryChecked: `${prefix}discovery:checked`, // hash: candidate site → ms it was last looked at (not again for a while)
    discoveryFetches: (hour: string) => `${prefix}discovery:fetches:${hour}`, // counter (TTL): discovery fetches in one UTC hour
    searchQueries: (day: string) => `${prefix}discovery:searches:${day}`, // counter (TTL): search queries sent in one UTC day
    discoveryLease: `${prefix}discovery:lease`, // string (TTL one interval): the worker that runs this interval's discovery round
    foundArticles: `${prefix}discovery:found`, // hash: article id → the interest a search found it for
    robots: (origin: string) => `${prefix}discovery:robots:${origin}`, // string (TTL): a site's robots.txt, as fetched
    readerFollows: (subscriberId: string) => `${prefix}follows:${subscriberId}`, // set: source ids the reader followed from a suggestion
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** A Redis connection with the key names of one deployment (or one test). */
export interface Db {
  redis: Redis;
  keys: Keys;
}
