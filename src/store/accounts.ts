// A reader's data as a whole: everything held about them (export), and removing it (delete), keeping only
// anonymous aggregate counts (edition counters, popularity, learned global interest).
import type { ReaderEvent, Subscriber } from '../contracts';
import { deleteAuthUser, findUserByEmail } from './auth';
import { finishDeliveries, getDelivery } from './deliveries';
import type { Db } from './keys';
import { getPrefs, getProfile } from './interest';
import { getArticlesByIds } from './articles';
import { listReaderBriefings } from './reader-briefings';
import { briefingHandle } from '../core/links/compact-links';
import { dropSubscriberRecord, learnedStateKeys } from './subscribers';

/** How far back the events stream is searched for a reader's events (entries), in pages of EVENT_PAGE. */
const EVENT_SCAN_LIMIT = 500_000;
const EVENT_PAGE = 2_000;
/** Editions looked at for pending deliveries: a reader can only be queued in recent ones. */
const RECENT_EDITIONS = 60;

/** Walk the reader's events shard newest first and hand over this reader's entries (id and event). */
async function eachReaderEvent(db: Db, subscriberId: string, visit: (id: string, event: ReaderEvent) => void): Promise<void> {
  let end = '+';
  let seen = 0;
  const needle = `"subscriber_id":${JSON.stringify(subscriberId)}`;
  while (seen < EVENT_SCAN_LIMIT) {
    const rows = await db.redis.xrevrange(db.keys.readerEvents(subscriberId), end, '-', 'COUNT', EVENT_PAGE);
    if (rows.length === 0) break;
    for (const [id, fields] of rows) {
      const json = fields[1] ?? '';
      if (json.includes(needle)) visit(id, JSON.parse(json) as ReaderEvent);
    }
    seen += rows.length;
    if (rows.length < EVENT_PAGE) break;
    const [ms, seq] = rows[rows.length - 1]![0].split('-').map(Number) as [number, number];
    end = seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-18446744073709551615`;
  }
}

/** Everything Tidings holds about this reader, as one JSON-ready object. */
export async function exportAccount(db: Db, email: string, subscriber: Subscriber | null, now: Date): Promise<Record<string, unknown>> {
  const user = await findUserByEmail(db, email);
  const base = {
    exported_at: now.toISOString(),
    email,
    sign_in: user
      ? {
          id: user.id,
          created_at: user.created_at,
          last_sign_in_at: user.last_sign_in_at ?? null,
          email_confirmed_at: user.email_confirmed_at,
        }
      : null,
  };
  if (!subscriber) return { ...base, subscriber: null };
  const [profile, prefs, actions, archive] = await Promise.all([
    getProfile(db, subscriber.id),
    getPrefs(db, subscriber.id),
    db.redis.hgetall(db.keys.readerActions(subscriber.id)),
    listReaderBriefings(db, subscriber.id, 0, 10_000),
  ]);
  const bookmarkIds = Object.keys(actions)
    .filter((k) => k.startsWith('bookmark:'))
    .map((k) => k.slice('bookmark:'.length));
  const articles = await getArticlesByIds(db, bookmarkIds);
  const events: ReaderEvent[] = [];
  await eachReaderEvent(db, subscriber.id, (_, event) => events.push(event));
  return {
    ...base,
    subscriber,
    profile,
    preferences: prefs,
    bookmarks: bookmarkIds.map((id, i) => ({ article_id: id, title: articles[i]?.title ?? null, url: articles[i]?.url ?? null })),
    votes: Object.entries(actions)
      .filter(([k]) => k.startsWith('vote:'))
      .map(([k, v]) => ({ article_id: k.slice('vote:'.length), vote: v })),
    briefings: archive.entries.map((e) => ({ edition: e.edition, sent_at: new Date(e.sent_at).toISOString() })),
    events,
  };
}

/**
 * Remove the reader: subscriber, profile, preferences, bookmarks, archive, the briefings kept for viewing, sessions,
 * sign-in user, pending deliveries, events.
 */
export async function deleteAccount(db: Db, email: string, subscriber: Subscriber | null, now: Date): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (user) await deleteAuthUser(db, user);
  await db.redis.del(db.keys.signup(email.toLowerCase()));
  if (subscriber) {
    const id = subscriber.id;
    // Pending deliveries are settled as skipped (so edition counters stay right), then every record of theirs goes.
    const editions = await db.redis.zrevrange(db.keys.editions, 0, RECENT_EDITIONS - 1);
    for (const edition of editions) {
      const delivery = await getDelivery(db, edition, id);
      if (!delivery) continue;
      if (delivery.status === 'queued')
        await finishDeliveries(
          db,
          edition,
          delivery.batch,
          [{ subscriberId: id, status: 'skipped', reason: 'the reader deleted their account' }],
          now,
        );
      await db.redis.hdel(db.keys.delivery(edition, id), id);
    }
    const eventIds: string[] = [];
    await eachReaderEvent(db, id, (entry) => eventIds.push(entry));
    for (let i = 0; i < eventIds.length; i += 1000) await db.redis.xdel(db.keys.readerEvents(id), ...eventIds.slice(i, i + 1000));
    // The briefings they were sent, kept for "view in browser": one key per edition, each in its own slot.
    const received = new Set([...editions, ...(await db.redis.zrange(db.keys.readerEditions(id), '0', '-1'))]);
    await Promise.all([...received].map(async (edition) => db.redis.del(db.keys.sentBriefing(await briefingHandle(edition, id)))));
    // What Tidings kept about the reader lives in the reader's bucket; the indexes under {subscribers}: two transactions.
    await db.redis.del(...learnedStateKeys(db, id), db.keys.readerEditions(id), db.keys.readerBriefings(id));
    await dropSubscriberRecord(db, subscriber);
  }
  await db.redis.incr(db.keys.deletedAccounts);
}
