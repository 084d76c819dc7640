// Compose a whole send batch at once: what one reader's path (composeBriefing) does for each reader, with the reads
// and writes of the batch made together. The readers' own state (delivery record, subscriber, profile, corrections,
// sent articles) is read in one burst; what every reader shares (the candidate pool, popularity, source titles) is
// read once per batch and prepared once per pool. Each email equals composeBriefing's for the same inputs
// (test/compose-batch.test.ts compares).
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { BriefingRenderer } from '../../emails/fast-briefing';
import { sentBriefingSchema, type Delivery, type SentBriefing, type Subscriber } from '../../src/contracts';
import { subscriberSchema, sourceSchema } from '../../src/contracts';
import { parseProfile } from '../../src/core/interest/interest-profile';
import { rankSettingsFrom } from '../../src/core/interest/interest-settings';
import { rankCandidates } from '../../src/core/interest/ranking';
import { getDeliveries, type DeliveryOutcome } from '../../src/store/deliveries';
import { loadPopularity, parsePrefs } from '../../src/store/interest';
import type { PopularitySnapshot } from '../../src/core/interest/popularity';
import { SENT_BRIEFING_TTL_SECONDS } from '../../src/store/sent-briefings';
import { getSubscriberRows } from '../../src/store/subscribers';
import { groupByBucket, type Db } from '../../src/store/keys';
import { inOneWrite } from '../../src/store/connection';
import { BatchRequestWriter, type BatchEmail } from '../mail/transport';
import type { SendBatchJob } from '../queues';
import { stageClock } from '../send-stages';
import type { CandidatePool, CandidatePoolCache } from './candidate-pool';
import { briefingDraft, briefingEmail, signedContent, type BriefingDraft, type ComposeDeps } from './compose-briefing';
import { briefingLinkPlan, type BriefingLinkPlan } from '../../emails/briefing-props';
import { signLinksWith, type LinkToSign, type SignLinks } from '../../src/core/links/sign-links';
import { CANDIDATE_POOL } from './select-articles';
import { FOUND_PREFIX } from '../../src/core/discovery/search-results';
import type { ReaderContext } from '../../src/core/interest/ranking';
import { foundFor } from '../../src/store/discovery';
import type { Article } from '../../src/contracts';

export interface BatchComposeDeps extends ComposeDeps {
  /** Signs the batch's links (a thread of its own: link-signing-thread.ts); deps.signer on this thread when absent. */
  signLinks?: SignLinks;
  renderer: BriefingRenderer;
  candidatePool: CandidatePoolCache;
}

/** Links sent to be signed together: about twenty readers' worth, so signing starts while the rest are ranked. */
const SIGN_LINKS_AT_ONCE = 1200;

export interface ComposedEmail {
  subscriber_id: string;
  article_ids: string[];
  reasons: string[][];
}

export interface ComposedBatch {
  ready: ComposedEmail[];
  /** Readers settled without an email (left, gone, nothing new). */
  settled: DeliveryOutcome[];
  /** The provider's request for `ready`, in order: batchRequestBody's bytes, written as each email was rendered. */
  body: Buffer;
  /** The emails themselves, when asked for (keepEmails): for a transport that is not given the body, and for tests. */
  emails: BatchEmail[] | null;
}

export interface ComposeOptions {
  /** Keep each email as an object besides writing it into the body (~35 KB a reader held until the batch is sent). */
  keepEmails: boolean;
}

/**
 * The name of a reader's stored briefing: briefingHandle (src/core/links/compact-links.ts) computed with Node's
 * synchronous hash, as Web Crypto's promise per reader costs more than the hash itself.
 */
export function briefingHandleSync(editionId: string, subscriberId: string): string {
  return createHash('sha256').update(`${editionId}\n${subscriberId}`).digest().subarray(0, 9).toString('base64url');
}

/** Compose a batch and store its briefings: readBatch, composeFromReads and saveSentBriefings in turn. */
export async function composeBatch(deps: BatchComposeDeps, data: SendBatchJob, options: ComposeOptions): Promise<ComposedBatch> {
  const composed = await composeFromReads(deps, data, await readBatch(deps.db, data, deps.candidatePool), options);
  await saveSentBriefings(deps, composed.stored);
  return composed;
}

/** Everything a batch is composed from, as read from Redis: the readers' own state and what they share. */
export interface BatchReads {
  deliveryRows: Awaited<ReturnType<typeof getDeliveries>>;
  subscriberRows: Array<string | null>;
  sourceRows: string[];
  readerRows: ReaderRow[];
  popularity: PopularitySnapshot;
  /** Article id → the interest discovery found it for, for the pool's found articles. */
  found: ReadonlyMap<string, string>;
  pool: CandidatePool;
}

/**
 * A batch's reads: the readers' own state in one burst, then the pool's articles and popularity, then what the
 * found articles were found for. Mostly waiting (the pool is prepared again only when its articles changed), so the
 * send worker runs it before its turn to compose.
 */
export async function readBatch(db: Db, data: SendBatchJob, candidatePool: CandidatePoolCache): Promise<BatchReads> {
  const clock = stageClock();
  const ids = data.subscriber_ids;
  const [deliveryRows, subscriberRows, sourceRows, candidateIds, readerRows] = await clock.wait(
    'read_wait',
    inOneWrite(db.redis, () =>
      Promise.all([
        getDeliveries(db, data.edition_id, ids),
        getSubscriberRows(db, ids),
        db.redis.hvals(db.keys.sources),
        db.redis.zrevrange(db.keys.articlesByPublished, 0, CANDIDATE_POOL - 1),
        readerRowsOf(db, ids),
      ]),
    ),
  );
  const [articleRows, popularity] = await clock.wait(
    'read_wait',
    Promise.all([
      candidateIds.length > 0 ? db.redis.hmget(db.keys.articles, ...candidateIds) : Promise.resolve([] as Array<string | null>),
      loadPopularity(db, candidateIds, data.sent_at),
    ]),
  );
  const pool = clock.time('candidates', () => candidatePool(articleRows));
  // Found articles (discovery) say whom they were found for: read once per batch, as the pool is.
  const found = await clock.wait('read_wait', foundFor(db, foundIds(pool.articles)));
  return { deliveryRows, subscriberRows, sourceRows, readerRows, popularity, found, pool };
}

/** A composed batch, and the briefings to store (saveSentBriefings) before any of its emails is sent. */
export interface ComposedFromReads extends ComposedBatch {
  stored: SentBriefing[];
}

/** Rank, sign and render each reader's briefing from a batch's reads: the batch's CPU work, with no Redis round trip. */
export async function composeFromReads(
  deps: BatchComposeDeps,
  data: SendBatchJob,
  reads: BatchReads,
  options: ComposeOptions,
): Promise<ComposedFromReads> {
  const clock = stageClock();
  const ids = data.subscriber_ids;
  const sentAt = new Date(data.sent_at);
  const nowMs = sentAt.getTime();
  const { deliveryRows: records, subscriberRows, sourceRows, readerRows, popularity, found, pool } = reads;
  const { subscribers, titles } = clock.time('parse_reads', () => ({
    subscribers: subscriberRows.map((raw): Subscriber | null => (raw ? subscriberSchema.parse(JSON.parse(raw)) : null)),
    // As loadSourceTitles and listSources give them (sorted by id; the map's order is not used for anything else).
    titles: new Map(
      sourceRows
        .map((raw) => sourceSchema.parse(JSON.parse(raw)))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((s) => [s.id, s.title || s.id]),
    ),
  }));
  const settings = rankSettingsFrom(deps.config, deps.config.BRIEFING_SIZE);

  const settled: DeliveryOutcome[] = [];
  const signLinks = deps.signLinks ?? signLinksWith(deps.signer);
  // Each reader's links are listed as the reader is ranked and sent to be signed a few readers at a time, so a
  // signer on another thread signs the first readers' links while the rest are ranked.
  const chosen: Array<{ id: string; subscriber: Subscriber; draft: BriefingDraft; plan: BriefingLinkPlan }> = [];
  const signing: Array<Promise<string[]>> = [];
  let unsent: LinkToSign[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const record = records[i];
    if (!record || record.batch !== data.batch_id || record.status !== 'queued') continue; // settled already, or another batch's
    const subscriber = subscribers[i];
    if (!subscriber) {
      settled.push({ subscriberId: id, status: 'skipped', reason: 'the subscriber no longer exists' });
      continue;
    }
    if (subscriber.status !== 'active') {
      settled.push({ subscriberId: id, status: 'skipped', reason: `the subscriber is ${subscriber.status}` });
      continue;
    }
    const [profileRaw, prefsRaw, sent, followed] = readerRows[i]!;
    const reader = clock.time('parse_reads', (): ReaderContext => {
      // As readerContext (src/store/reader-context.ts) builds it from the same reads.
      const prefs = parsePrefs(prefsRaw);
      const muted = new Set(prefs.muted_topics);
      return {
        nowMs,
        profile: parseProfile(profileRaw),
        chosenTopics: subscriber.topics.filter((t) => !muted.has(t)),
        mutedTopics: muted,
        mutedSources: new Set(prefs.muted_sources),
        alreadySent: new Set(sent),
        popularity,
        sourceTitles: titles,
        followedSources: new Set(followed),
        foundFor: found,
      };
    });
    const ranked = clock.time('rank', () => rankCandidates(pool.candidates, reader, settings));
    if (ranked.length === 0) {
      settled.push({ subscriberId: id, status: 'skipped', reason: 'nothing new for this reader' });
      continue;
    }
    const draft = briefingDraft(
      subscriber,
      data.edition_id,
      sentAt,
      { ranked, candidates: pool.articles, alreadySent: reader.alreadySent },
      titles,
    );
    const plan = briefingLinkPlan(draft.record, deps.config.PUBLIC_BASE_URL, briefingHandleSync(data.edition_id, id));
    chosen.push({ id, subscriber, draft, plan });
    unsent.push(...plan.links);
    if (unsent.length >= SIGN_LINKS_AT_ONCE) {
      signing.push(signLinks(unsent));
      unsent = [];
    }
  }
  if (unsent.length > 0) signing.push(signLinks(unsent));
  // No await above: none of these promises can be seen rejecting before Promise.all holds them all.
  const tokens = (await Promise.all(signing)).flat();

  const ready: ComposedEmail[] = [];
  const stored: SentBriefing[] = [];
  const request = new BatchRequestWriter();
  const emails: BatchEmail[] | null = options.keepEmails ? [] : null;
  let next = 0;
  for (const { id, subscriber, draft, plan } of chosen) {
    const content = signedContent(draft, plan.props(tokens.slice(next, (next += plan.links.length))));
    // Rendering awaits (cached pieces), so other batches run inside it: its cost is measured from CPU profiles
    // (bench:send --profile), not with timers.
    const rendered = await deps.renderer.render(content.props);
    const email: BatchEmail = {
      ...briefingEmail(deps.config, subscriber, content, rendered),
      tags: [
        { name: 'edition', value: data.edition_id },
        { name: 'subscriber', value: id },
      ],
    };
    // Written now, the email's strings are garbage before the next reader is rendered (BatchRequestWriter says why).
    request.addEmail(email, rendered.htmlSegments);
    emails?.push(email);
    stored.push(content.record);
    ready.push({ subscriber_id: id, article_ids: content.articleIds, reasons: content.props.items.map((item) => item.reasons) });
  }
  clock.composed(ready.length);
  return { ready, settled, stored, body: request.finish(), emails };
}

/** A reader's own state as stored: profile, preferences, articles sent, sources followed. */
type ReaderRow = [profile: string | null, prefs: string | null, sent: string[], followed: string[]];

/**
 * Every reader's own state, one pipeline per bucket of readers (a bucket is one slot on a cluster): about fifty
 * socket writes a batch instead of four hundred, each of which cost a system call.
 */
async function readerRowsOf(db: Db, ids: readonly string[]): Promise<ReaderRow[]> {
  const rows = new Array<ReaderRow>(ids.length);
  const buckets = groupByBucket(
    ids.map((id, index) => ({ id, index })),
    (reader) => reader.id,
  );
  await Promise.all(
    [...buckets.values()].map(async (readers) => {
      const pipeline = db.redis.pipeline();
      for (const { id } of readers)
        pipeline
          .get(db.keys.profile(id))
          .get(db.keys.readerPrefs(id))
          .smembers(db.keys.sentArticles(id))
          .smembers(db.keys.readerFollows(id));
      const values = ((await pipeline.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
      readers.forEach(({ index }, r) => (rows[index] = values.slice(4 * r, 4 * r + 4) as ReaderRow));
    }),
  );
  return rows;
}

function foundIds(articles: readonly Article[]): string[] {
  return articles.filter((a) => a.source.startsWith(FOUND_PREFIX)).map((a) => a.id);
}

/**
 * A 4 KB record needs no 32 KB window: zlib's defaults allocate ~256 KB of state per call (counted against the
 * heap, so a batch's hundred calls also set off garbage collections); this is ~16 KB and compresses as well here.
 * Any inflater (DecompressionStream included) reads a stream made with a smaller window.
 */
const SMALL_RECORD_DEFLATE = { windowBits: 11, memLevel: 4 };

/**
 * saveSentBriefing for a batch, written in one burst (readable by getSentBriefing). Stored before any email can
 * exist, so "view in browser" and the short links work from the first second.
 */
export async function saveSentBriefings(deps: Pick<BatchComposeDeps, 'db'>, records: readonly SentBriefing[]): Promise<void> {
  const clock = stageClock();
  // zlib's deflate format is what CompressionStream('deflate') writes and DecompressionStream('deflate') reads.
  // Synchronous on purpose: a record is ~4 KB (~40 µs to compress); on the thread pool each of a batch's hundred
  // would hold its zlib state while it queues, across every batch in flight.
  const packed = clock.time('store_briefings', () =>
    records.map((r) => deflateSync(JSON.stringify(sentBriefingSchema.parse(r)), SMALL_RECORD_DEFLATE)),
  );
  // One socket write for the hundred commands, not one each.
  await clock.wait(
    'finish_wait',
    inOneWrite(deps.db.redis, () =>
      Promise.all(
        records.map((r, i) =>
          deps.db.redis.set(
            deps.db.keys.sentBriefing(briefingHandleSync(r.edition, r.subscriber)),
            packed[i]!,
            'EX',
            SENT_BRIEFING_TTL_SECONDS,
          ),
        ),
      ),
    ),
  );
}
