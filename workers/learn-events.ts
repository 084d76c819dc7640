// The learn worker: reads the reader-event stream through a consumer group and teaches each
// reader's profile, once per event even across restarts (the profile write, the event's share of the
// shared counts and the XACK commit together; entries a crashed consumer left pending are claimed after a while).
import { hostname } from 'node:os';
import { readerEventSchema, type Article, type ReaderEvent } from '../src/contracts';
import { buildCorpus, type Corpus } from '../src/core/interest/article-features';
import { parseProfile, type InterestSettings } from '../src/core/interest/interest-profile';
import { learnEvent, type GlobalIncrements } from '../src/core/interest/learn';
import type { Logger } from '../src/core/logger';
import { clickSettleMs } from '../src/core/links/bots';
import { getArticle, recentArticles } from '../src/store/articles';
import { automatedReasons } from '../src/store/click-window';
import { judgedUpTo } from './judge-clicks';
import { consumerConnection, createGroupReader, ensureGroup, groupLoop } from './stream-group';
import { addLearnedIncrements, addLearnStats } from '../src/store/learned-deltas';
import { readerBucket, type Db } from '../src/store/keys';
import { subscriberExists } from '../src/store/subscribers';
import { CANDIDATE_POOL } from './briefing/select-articles';

export const LEARN_GROUP = 'learn';
/** An entry pending this long on another consumer is taken to be abandoned by a crashed process. */
const DEFAULT_CLAIM_IDLE_MS = 60_000;
const BATCH = 200;
/** How long the TF-IDF corpus (the recent pool) is reused before it is read again. */
const CORPUS_TTL_MS = 60_000;
/** A profile changed by someone else between read and write is re-read and the event re-applied. */
const MAX_RETRIES = 10;
/** Long enough to outlast any overlap between a slow consumer and one that claimed its entries. */
const APPLIED_MARKER_TTL_MS = 30 * 60_000;
/** A click is learned from only once nothing can flag it any more. Briefings are daily; ten minutes cost nothing. */
export const CLICK_SETTLE_MS = clickSettleMs();

export interface LearnerOptions {
  consumer?: string;
  /** XREADGROUP BLOCK in ms; null reads without blocking (tests, one-shot runs). */
  blockMs?: number | null;
  claimIdleMs?: number;
  /** How long after a click before it is judged and learned from (default CLICK_SETTLE_MS). */
  settleMs?: number;
  now?: () => number;
  /** Wait between batches while this is true (an edition being sent by this process): see send-activity.ts. */
  giveWayWhile?: () => boolean;
}

export interface LearnerDeps {
  db: Db;
  log: Logger;
  settings: InterestSettings;
}

/** One stream entry that can be learned now, with where it came from. */
interface ReaderEntry {
  entryId: string;
  stream: string;
  event: ReaderEvent;
}

export interface BatchResult {
  read: number;
  applied: number;
  /** Reason class → count, for events that taught nothing (bots, unknown articles, …). */
  skipped: Record<string, number>;
  /** Entries left pending because a click among them is too recent to judge; retried after `settlesInMs`. */
  unsettled: number;
  settlesInMs: number | null;
}

/** Create the consumer group if it is missing, starting from the beginning of the stream. */
export function ensureLearnGroup(db: Db): Promise<void> {
  return ensureGroup(db.redis, db.keys.eventStreams, LEARN_GROUP);
}

/** One learner: `runBatch` handles what is available; `start` loops until `close`. */
export function createLearner(deps: LearnerDeps, options: LearnerOptions = {}) {
  const consumer = options.consumer ?? `learn-${hostname()}`;
  const claimIdleMs = options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
  const settleMs = options.settleMs ?? CLICK_SETTLE_MS;
  const now = options.now ?? Date.now;
  const redis = consumerConnection(deps.db.redis);
  const db: Db = { redis, keys: deps.db.keys };
  let corpus: { value: Corpus; at: number } | null = null;
  const bucketOfStream = new Map(db.keys.eventStreams.map((stream, shard) => [stream, shard]));
  const reader = createGroupReader({ redis, streams: db.keys.eventStreams, group: LEARN_GROUP, consumer, batch: BATCH, claimIdleMs });

  async function currentCorpus(): Promise<Corpus> {
    if (!corpus || Date.now() - corpus.at > CORPUS_TTL_MS)
      corpus = { value: buildCorpus(await recentArticles(db, CANDIDATE_POOL)), at: Date.now() };
    return corpus.value;
  }

  /**
   * Handle one batch of entries, up to the first click too recent to judge; resolves with what happened.
   * Each reader's entries are learned in stream order, all of them in one transaction (a sent briefing
   * leaves ten delivered events of one reader side by side: one profile read and write instead of ten).
   */
  async function runBatch(blockMs: number | null = null): Promise<BatchResult> {
    const entries = await reader.read(blockMs);
    const judged =
      entries.length > 0
        ? await judgedUpTo(
            db,
            entries.map(([, , stream]) => stream),
          )
        : () => true;
    const result: BatchResult = { read: entries.length, applied: 0, skipped: {}, unsettled: 0, settlesInMs: null };
    // The entries that can be learned now, each reader's together, in stream order; invalid ones apart.
    const byReader = new Map<string, ReaderEntry[]>();
    const invalid: Array<[entryId: string, stream: string]> = [];
    for (let i = 0; i < entries.length; i++) {
      const [entryId, fields, stream] = entries[i]!;
      const event = parseEntry(entryId, fields);
      let settlesInMs = event && event.type === 'click' ? Date.parse(event.at) + settleMs - now() : 0;
      // The click judge has not yet looked at the clicks around this one (it lags, or is catching up).
      if (event?.type === 'click' && !judged(stream, entryId)) settlesInMs = Math.max(settlesInMs, 1000);
      if (settlesInMs > 0) {
        // This entry and the ones after it stay pending; they are read again (own pending first) once it settles.
        result.unsettled = entries.length - i;
        result.settlesInMs = settlesInMs;
        reader.rereadOwnPending();
        break;
      }
      if (!event) invalid.push([entryId, stream]);
      // A reader's events are all in one shard, so the key is the reader.
      else
        (byReader.get(event.subscriber_id) ?? byReader.set(event.subscriber_id, []).get(event.subscriber_id)!).push({
          entryId,
          stream,
          event,
        });
    }
    const articles = new Map<string, Article | null>();
    const skipped: Array<[entryId: string, stream: string, kind: string]> = invalid.map(([id, stream]) => [id, stream, 'invalid_event']);
    for (const readerEntries of byReader.values()) {
      const outcomes = await learnReader(readerEntries, articles);
      readerEntries.forEach(({ entryId, stream }, i) => {
        const outcome = outcomes[i]!;
        if (outcome === 'applied') result.applied++;
        else skipped.push([entryId, stream, outcome.kind]);
      });
    }
    if (skipped.length > 0) {
      // Skip counts per events shard: a shard is a bucket, so its counts and its acknowledgements commit together.
      const byStream = new Map<string, { ids: string[]; counts: Record<string, number> }>();
      for (const [id, stream, kind] of skipped) {
        const group = byStream.get(stream) ?? byStream.set(stream, { ids: [], counts: {} }).get(stream)!;
        group.ids.push(id);
        group.counts[kind] = (group.counts[kind] ?? 0) + 1;
        result.skipped[kind] = (result.skipped[kind] ?? 0) + 1;
      }
      await Promise.all(
        [...byStream].map(([stream, { ids, counts }]) => {
          const tx = redis.multi();
          addLearnStats(tx, db, bucketOfStream.get(stream)!, counts);
          return tx.xack(stream, LEARN_GROUP, ...ids).exec();
        }),
      );
    }
    if (Object.keys(result.skipped).length > 0)
      deps.log.info({ read: result.read, applied: result.applied, skipped: result.skipped }, 'reader events not learned from, by reason');
    return result;
  }

  function parseEntry(entryId: string, fields: string[]): ReaderEvent | null {
    try {
      return readerEventSchema.parse(JSON.parse(fields[fields.indexOf('event') + 1] ?? ''));
    } catch (error) {
      deps.log.warn(
        { entry: entryId, err: error instanceof Error ? error.message.slice(0, 300) : String(error) },
        'reader event refused: it does not match the event contract (kept in the stream, not learned)',
      );
      return null;
    }
  }

  type Skip = { kind: string };
  type Outcome = 'applied' | Skip;

  /** Why an event cannot teach whatever the profile says: automated, or its reader is gone. Null when it may. */
  async function refusal(entry: ReaderEntry, known: boolean): Promise<Skip | null> {
    const { entryId, event } = entry;
    // Its own flags, and what the other clicks of its email showed after it was stored (burst, honeypot).
    const automated = event.suspected_bot ? { automated: true, reasons: event.bot_reasons } : await automatedReasons(db, event);
    if (automated.automated) {
      deps.log.debug(
        { entry: entryId, subscriber: event.subscriber_id, reasons: automated.reasons },
        'suspected automated event: never learned from',
      );
      return { kind: 'suspected_bot' };
    }
    if (!known) {
      deps.log.warn(
        { entry: entryId, subscriber: event.subscriber_id, type: event.type },
        'reader event for an unknown reader: not learned (the subscriber does not exist)',
      );
      return { kind: 'unknown_reader' };
    }
    return null;
  }

  /** Learn one reader's entries, in order, in one transaction; resolves with each entry's outcome. */
  async function learnReader(entries: readonly ReaderEntry[], articles: Map<string, Article | null>): Promise<Outcome[]> {
    const subscriberId = entries[0]!.event.subscriber_id;
    const known = await subscriberExists(db, subscriberId);
    const outcomes: Array<Outcome | null> = await Promise.all(entries.map((entry) => refusal(entry, known)));
    const learnable = entries.flatMap((entry, i) => (outcomes[i] === null ? [{ entry, i }] : []));
    if (learnable.length === 0) return outcomes as Outcome[];
    for (const { entry } of learnable) {
      const id = entry.event.article_id;
      if (id && !articles.has(id)) articles.set(id, await getArticle(db, id));
    }
    const corpus = await currentCorpus();
    const profileKey = db.keys.profile(subscriberId);
    const markers = learnable.map(({ entry }) => db.keys.learnedEntry(subscriberId, entry.entryId));
    const bucket = readerBucket(subscriberId);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      // Two consumers can hold one entry for a moment (a slow batch claimed by another); the markers,
      // watched with the profile, let only one of them apply each entry.
      await redis.watch(profileKey, ...markers);
      const [done, stored] = await Promise.all([redis.mget(...markers), redis.get(profileKey)]);
      let profile = parseProfile(stored);
      const tried: Array<{ i: number; outcome: Outcome }> = [];
      const applied: Array<{ marker: string; global: GlobalIncrements }> = [];
      const acked: string[] = [];
      learnable.forEach(({ entry, i }, n) => {
        if (done[n] !== null) {
          tried.push({ i, outcome: { kind: 'already_applied' } });
          acked.push(entry.entryId);
          return;
        }
        const { event, entryId } = entry;
        const article = event.article_id ? (articles.get(event.article_id) ?? null) : null;
        const outcome = learnEvent(profile, event, article, corpus, deps.settings);
        if (!outcome.applied) {
          const details = { entry: entryId, subscriber: subscriberId, type: event.type, article: event.article_id, reason: outcome.reason };
          if (outcome.kind === 'unknown_article') deps.log.warn(details, 'reader event for an unknown article: not learned');
          else deps.log.debug(details, 'reader event not learned from');
          tried.push({ i, outcome: { kind: outcome.kind } });
          return;
        }
        profile = outcome.profile;
        applied.push({ marker: markers[n]!, global: outcome.global });
        acked.push(entryId);
        tried.push({ i, outcome: 'applied' });
      });
      if (applied.length === 0) {
        await redis.unwatch();
        if (acked.length > 0) await redis.xack(entries[0]!.stream, LEARN_GROUP, ...acked);
      } else {
        // The reader's profile, the markers, the events' share of the shared counts (their bucket's delta, rolled
        // up into the {learned} views by learned-rollup) and the acknowledgements share the reader's bucket (one
        // slot): one transaction, so a crash anywhere keeps all of it or none, and a redelivered entry is a no-op.
        const tx = redis.multi().set(profileKey, JSON.stringify(profile));
        for (const { marker, global } of applied) {
          tx.set(marker, '1', 'PX', APPLIED_MARKER_TTL_MS);
          addLearnedIncrements(tx, db, bucket, global);
        }
        addLearnStats(tx, db, bucket, { applied: applied.length });
        if ((await tx.xack(entries[0]!.stream, LEARN_GROUP, ...acked).exec()) === null) continue;
      }
      for (const { i, outcome } of tried) outcomes[i] = outcome;
      return outcomes as Outcome[];
    }
    throw new Error(
      `profile ${subscriberId} kept changing while ${learnable.length} of its events were applied; they stay pending and are retried`,
    );
  }

  const blockMs = options.blockMs === undefined ? 2000 : options.blockMs;
  const loop = groupLoop({
    redis,
    reader,
    ensure: () => ensureLearnGroup(db),
    // Nothing could be judged yet: wait for the oldest click to settle.
    batch: async () => {
      const result = await runBatch(blockMs);
      return result.settlesInMs !== null && result.applied === 0 && Object.keys(result.skipped).length === 0 ? result.settlesInMs : 0;
    },
    log: deps.log,
    name: 'learner',
    giveWayWhile: options.giveWayWhile,
  });

  return {
    consumer,
    runBatch,
    /** Loop until close(): block for new events, back off a little after an error. */
    start: loop.start,
    /** Stop after the current batch; what was read but not acknowledged stays pending and is learned later. */
    close: loop.close,
  };
}

export type Learner = ReturnType<typeof createLearner>;
