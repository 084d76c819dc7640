// Moving an installation's data from the first key layout (every key named plainly under REDIS_PREFIX, one braced
// prefix for all queues) to the layout that spreads on a Redis Cluster (src/store/keys.ts): readers in {bNNNN}
// buckets, delivery records per bucket, sessions and link records under their own tags, a hash tag per queue.
// Run on the one Redis the installation used (RENAME moves a key whatever its slot there), before any cluster.
// The second layout (already tagged, subscriber records in one hash) moves its records into the readers' buckets,
// on one Redis or on a cluster.
// Idempotent: a key already moved is not found under its old name again; a marker records that the move is done.
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../src/core/logger';
import { isCluster } from '../src/store/connection';
import { groupByBucket, type Db } from '../src/store/keys';
import { groupPositions } from '../src/store/streams';
import { queueNames, queuePrefix } from '../workers/queues';

/**
 * The layout this code reads and writes; kept in `<prefix>layout`. 1: plain names. 2: tagged, subscriber records in
 * one `{subscribers}` hash. 3: each subscriber record in its reader's bucket (`subscribers:{bNNNN}`). 4: each sign-in
 * user's record under the user's own tag (`auth:user:{u:<id>}`), not in one `{auth-users}` hash.
 */
export const LAYOUT_VERSION = '4';

export interface MigrationReport {
  /** Keys renamed one to one. */
  renamed: number;
  /** Delivery hashes split into their buckets. */
  split: number;
  /** Queued jobs moved to their queue's new prefix. */
  jobs: number;
  /** Reader events moved from the one stream to their readers' shards. */
  events: number;
  /** Subscriber records moved from the one hash of layouts 1 and 2 to their readers' buckets. */
  subscribers: number;
  /** Sign-in users moved from the one hash of layouts 1 to 3 to a key each. */
  users: number;
  /** Old keys left where they were, with why (both names held data). */
  conflicts: string[];
  alreadyDone: boolean;
}

export const layoutKey = (db: Db): string => `${db.keys.prefix}layout`;

/** Layout 2's one hash of subscriber records (layout 1's `subscribers` is renamed to it, then split like it). */
const oneSubscriberHash = (db: Db): string => `${db.keys.prefix}{subscribers}`;

/** Layouts 2 and 3 kept every sign-in user in one hash (layout 1's `auth:users` is renamed to it, then split). */
const oneUserHash = (db: Db): string => `${db.keys.prefix}{auth-users}`;

/** Any of the first layout's singletons means an installation of layout 1. */
async function isFirstLayout(db: Db): Promise<boolean> {
  const p = db.keys.prefix;
  const old = [`${p}subscribers`, `${p}articles`, `${p}sources`, `${p}schedules`, `${p}auth:users`];
  for (const key of old) if ((await db.redis.exists(key)) === 1) return true;
  return false;
}

/** Has this Redis been written in an older layout and not yet moved? A fresh one has nothing old and is marked as current. */
export async function needsMigration(db: Db): Promise<boolean> {
  if ((await db.redis.get(layoutKey(db))) === LAYOUT_VERSION) return false;
  return (
    (await isFirstLayout(db)) || (await db.redis.exists(oneSubscriberHash(db))) === 1 || (await db.redis.exists(oneUserHash(db))) === 1
  );
}

/** Move everything to the current layout. `queuePrefixOld` is QUEUE_PREFIX as the old layout used it. */
export async function migrateLayout(db: Db, connection: ConnectionOptions, queuePrefixOld: string, log: Logger): Promise<MigrationReport> {
  const report: MigrationReport = { renamed: 0, split: 0, jobs: 0, events: 0, subscribers: 0, users: 0, conflicts: [], alreadyDone: false };
  if (!(await needsMigration(db))) {
    await db.redis.set(layoutKey(db), LAYOUT_VERSION);
    return { ...report, alreadyDone: true };
  }
  if (await isFirstLayout(db)) {
    if (isCluster(db.redis))
      throw new Error('This Redis holds data in the old key layout: run `npx tidings migrate` against the one Redis it lives on first.');
    await moveFirstLayout(db, connection, queuePrefixOld, log, report);
  }
  // Layout 2 → 3 works on one Redis and on a cluster alike (an installation may already run on one).
  report.subscribers = await splitSubscriberRecords(db);
  report.users = await splitUserRecords(db);
  await db.redis.set(layoutKey(db), LAYOUT_VERSION);
  log.info({ ...report, conflicts: report.conflicts.length }, 'key layout moved to the one that spreads on Redis Cluster');
  return report;
}

/**
 * Empty a hash of records that now live elsewhere: each page of its fields is handed to `copy` (which writes what is
 * not there yet, never over a copy an interrupted run made or a newer one), then deleted from the hash, so a move cut
 * off part-way loses nothing. HSCAN may return a field twice while fields are deleted; copying is idempotent and HDEL
 * counts each once. Returns how many records were moved.
 */
async function drainHash(db: Db, old: string, copy: (records: Array<[string, string]>) => Promise<void>): Promise<number> {
  let moved = 0;
  while ((await db.redis.hlen(old)) > 0) {
    let cursor = '0';
    do {
      const [next, flat] = await db.redis.hscan(old, cursor, 'COUNT', 1000);
      cursor = next;
      const records: Array<[string, string]> = [];
      for (let i = 0; i < flat.length; i += 2) records.push([flat[i]!, flat[i + 1]!]);
      if (records.length === 0) continue;
      await copy(records);
      moved += await db.redis.hdel(old, ...records.map(([field]) => field));
    } while (cursor !== '0');
  }
  return moved;
}

/** Layouts 1 to 3 kept every sign-in user in one hash; now each has a key under its own tag. */
function splitUserRecords(db: Db): Promise<number> {
  return drainHash(db, oneUserHash(db), async (records) => {
    await Promise.all(records.map(([id, json]) => db.redis.set(db.keys.authUser(id), json, 'NX')));
  });
}

/** Layout 2 kept every subscriber record in one hash; now each is in its reader's bucket. */
function splitSubscriberRecords(db: Db): Promise<number> {
  return drainHash(db, oneSubscriberHash(db), async (records) => {
    for (const [bucket, group] of groupByBucket(records, ([id]) => id)) {
      const key = db.keys.subscribersOfBucket(bucket);
      const there = await db.redis.hmget(key, ...group.map(([id]) => id));
      const missing = group.filter((_, i) => there[i] === null);
      if (missing.length > 0) await db.redis.hset(key, Object.fromEntries(missing));
    }
  });
}

async function moveFirstLayout(
  db: Db,
  connection: ConnectionOptions,
  queuePrefixOld: string,
  log: Logger,
  report: MigrationReport,
): Promise<void> {
  const p = db.keys.prefix;
  const k = db.keys;
  const move = async (from: string, to: string) => {
    if (from === to || (await db.redis.exists(from)) === 0) return;
    if ((await db.redis.renamenx(from, to)) === 1) report.renamed++;
    else report.conflicts.push(`${from} (${to} already holds data)`);
  };

  // Shared singletons: a tag of their own now.
  const singletons: Array<[string, string]> = [
    [`${p}articles`, k.articles],
    [`${p}articles:by-published`, k.articlesByPublished],
    [`${p}sources`, k.sources],
    [`${p}sources:state`, k.sourceState],
    [`${p}popularity`, k.popularity],
    [`${p}engagement:sources`, k.sourceEngagement],
    [`${p}interest:global`, k.globalInterest],
    [`${p}learn:stats`, k.learnStats],
    [`${p}subscribers`, oneSubscriberHash(db)], // then split into the readers' buckets
    [`${p}subscribers:by-email`, k.subscribersByEmail],
    [`${p}subscribers:by-created`, k.subscribersByCreated],
    [`${p}auth:users`, oneUserHash(db)], // then split into a key per user
    [`${p}auth:users:by-email`, k.authUsersByEmail],
    [`${p}schedules`, k.schedules],
    [`${p}schedules:version`, k.schedulesVersion],
  ];
  for (const [from, to] of singletons) await move(from, to);

  // Per reader: the id is the rest of the key; the new name carries the reader's bucket.
  const perReader: Array<[string, (id: string) => string]> = [
    ['profile:', k.profile],
    ['prefs:', k.readerPrefs],
    ['sent:', k.sentArticles],
    ['actions:', k.readerActions],
    ['reader:editions:', k.readerEditions],
    ['reader:briefings:', k.readerBriefings],
    ['follows:', k.readerFollows],
  ];
  for (const [segment, to] of perReader) {
    await eachOldKey(db, `${p}${segment}`, async (key, rest) => {
      if (!rest.startsWith('{')) await move(key, to(rest));
    });
  }
  // Bot marks of (reader, edition): the old tag {subscriber:edition} becomes the reader's bucket.
  const perPair: Array<[string, (s: string, e: string) => string]> = [
    ['clicks:', k.clickWindow],
    ['bot-bursts:', k.botBursts],
    ['bot-honeypots:', k.botHoneypots],
  ];
  for (const [segment, to] of perPair) {
    await eachOldKey(db, `${p}${segment}`, async (key, rest) => {
      const pair = /^\{([^:}]+):([^}]+)\}$/.exec(rest);
      if (pair) await move(key, to(pair[1]!, pair[2]!));
    });
  }
  // Sign-in records: link records and hints by token hash, sessions by id, indexes by user.
  const tagged: Array<[string, (rest: string) => string]> = [
    ['auth:otp:', k.authOtp],
    ['auth:otp-hint:', k.authOtpHint],
    ['auth:session:', k.authSession],
    ['auth:user-sessions:', k.authUserSessions],
    ['auth:user-site-sessions:', k.authUserSiteSessions],
  ];
  for (const [segment, to] of tagged) {
    await eachOldKey(db, `${p}${segment}`, async (key, rest) => {
      if (!rest.startsWith('{')) await move(key, to(rest));
    });
  }
  // Old refresh tokens do not name their session, so they cannot be found under the new names: those sessions
  // sign in again (their access tokens stay valid until they expire). Their records expire on their own.

  // Delivery records: one hash per edition becomes one per bucket of readers, with the edition's bucket set.
  await eachOldKey(db, `${p}delivery:`, async (key, rest) => {
    if (rest.startsWith('{')) return;
    const records = await db.redis.hgetall(key);
    const groups = groupByBucket(Object.keys(records), (id) => id);
    for (const [bucket, ids] of groups) {
      await db.redis.hset(k.deliveryOfBucket(rest, bucket), Object.fromEntries(ids.map((id) => [id, records[id]!])));
    }
    if (groups.size > 0) await db.redis.sadd(k.editionBuckets(rest), ...[...groups.keys()].map(String));
    // The sending counts now live per bucket: counted again from the records they count.
    for (const [bucket, ids] of groups) {
      const counts: Record<string, number> = { planned: ids.length, queued: 0, sent: 0, failed: 0, skipped: 0 };
      for (const id of ids) {
        const status = (JSON.parse(records[id]!) as { status?: string }).status ?? '';
        if (status in counts && status !== 'planned') counts[status]!++;
      }
      await db.redis.hset(k.editionCounts(rest, bucket), counts);
    }
    await db.redis.hdel(k.edition(rest), 'planned', 'queued', 'sent', 'failed', 'skipped');
    await db.redis.del(key);
    report.split++;
  });
  report.events = await splitEvents(db);
  // The applied-entry markers live a few minutes; the old ones are simply dropped.
  await eachOldKey(db, `${p}learned:`, async (key, rest) => {
    if (!rest.startsWith('{')) await db.redis.del(key);
  });

  report.jobs = await moveQueuedJobs(connection, queuePrefixOld, log);
}

/**
 * The one events stream becomes a shard per bucket of readers: each entry keeps its id (ids rise within every
 * shard, as they did in the stream), and each consumer group starts on every shard where it stood in the stream
 * (before its oldest pending entry, so what it had read but not finished comes again).
 */
async function splitEvents(db: Db): Promise<number> {
  const old = `${db.keys.prefix}events`;
  if ((await db.redis.exists(old)) === 0) return 0;
  const groups = await groupPositions(db.redis, old);
  let moved = 0;
  let from = '-';
  for (;;) {
    const rows = await db.redis.xrange(old, from, '+', 'COUNT', 1000);
    for (const [id, fields] of rows) {
      const json = fields[fields.indexOf('event') + 1] ?? '';
      const subscriber = (JSON.parse(json) as { subscriber_id?: unknown } | null)?.subscriber_id;
      const stream = db.keys.readerEvents(typeof subscriber === 'string' ? subscriber : '');
      await db.redis.xadd(stream, id, ...fields);
      moved++;
    }
    if (rows.length < 1000) break;
    from = `(${rows.at(-1)![0]}`;
  }
  for (const group of groups) {
    const start = group.oldestPendingId ? previousId(group.oldestPendingId) : group.lastDeliveredId;
    for (const stream of db.keys.eventStreams) {
      try {
        await db.redis.xgroup('CREATE', stream, group.name, start, 'MKSTREAM');
      } catch (error) {
        if (!String(error).includes('BUSYGROUP')) throw error;
        await db.redis.xgroup('SETID', stream, group.name, start);
      }
    }
  }
  await db.redis.del(old);
  return moved;
}

function previousId(id: string): string {
  const [ms, seq] = id.split('-').map(Number) as [number, number];
  return seq > 0 ? `${ms}-${seq - 1}` : `${Math.max(0, ms - 1)}-18446744073709551615`;
}

/** Jobs waiting in the old queues (one braced prefix for all) move to their queue's own prefix, same id and data. */
async function moveQueuedJobs(connection: ConnectionOptions, oldPrefix: string, log: Logger): Promise<number> {
  let moved = 0;
  for (const name of Object.values(queueNames)) {
    if (queuePrefix(oldPrefix, name) === oldPrefix) continue;
    const old = new Queue(name, { connection, prefix: oldPrefix });
    const fresh = new Queue(name, { connection, prefix: queuePrefix(oldPrefix, name) });
    try {
      const jobs = await old.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);
      for (const job of jobs) {
        if (!job?.id || job.repeatJobKey) continue; // job schedulers are set up again by the workers
        await fresh.add(job.name, job.data, { ...job.opts, jobId: job.id });
        moved++;
      }
      // The old queue's keys (its schedulers, finished jobs) go; the workers recreate their schedulers.
      await old.obliterate({ force: true });
    } catch (error) {
      log.warn({ queue: name, err: error instanceof Error ? error.message : String(error) }, 'could not move the jobs of an old queue');
    } finally {
      await Promise.all([old.close(), fresh.close()]);
    }
  }
  return moved;
}

/** Every key `<start>…` on the (one) Redis, with the part after `start`; keys are collected first, then visited. */
async function eachOldKey(db: Db, start: string, visit: (key: string, rest: string) => Promise<void>): Promise<void> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await db.redis.scan(cursor, 'MATCH', `${start.replace(/([*?[\]\\{}])/g, '\\$1')}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  for (const key of keys) await visit(key, key.slice(start.length));
}
