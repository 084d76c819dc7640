// The learn worker: reads the reader-event stream through a consumer group and teaches each
// reader's profile, once per event even across restarts (the profile write, the event's share of the
// shared counts and the XACK commit together; entries a crashed consumer left pending are claimed after a while).
import { hostname } from 'node:os';
import { readerEventSchema, type Article, type ReaderEvent } from '../src/contracts';
import { buildCorpus, type Corpus } from '../src/core/interest/article-features';
import { parseProfile, type InterestSettings } from '../src/core/interest/interest-profile';
import { learnEvent } from '../src/core/interest/learn';
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

  /** Handle one batch of entries, in order, up to the first click too recent to judge; resolves with what happened. */
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
    const articles = new Map<string, Article | null>();
    const knownReaders = new Map<string, boolean>();
    const toAck: Array<[string, null, string]> = [];
    // Skip counts per events shard: a shard is a bucket, so its counts and its acknowledgements commit together.
    const skippedByStream = new Map<string, Record<string, number>>();
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
      const outcome = event ? await handle(stream, entryId, event, articles, knownReaders) : { kind: 'invalid_event' };
      if (outcome === 'applied') result.applied++;
      else {
        result.skipped[outcome.kind] = (result.skipped[outcome.kind] ?? 0) + 1;
        const counts = skippedByStream.get(stream) ?? skippedByStream.set(stream, {}).get(stream)!;
        counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
        toAck.push([entryId, null, stream]);
      }
    }
    if (toAck.length > 0) {
      const byStream = new Map<string, string[]>();
      for (const [id, , stream] of toAck) (byStream.get(stream) ?? byStream.set(stream, []).get(stream)!).push(id);
      await Promise.all(
        [...byStream].map(([stream, ids]) => {
          const tx = redis.multi();
          addLearnStats(tx, db, bucketOfStream.get(stream)!, skippedByStream.get(stream) ?? {});
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

  async function handle(
    stream: string,
    entryId: string,
    event: ReaderEvent,
    articles: Map<string, Article | null>,
    knownReaders: Map<string, boolean>,
  ): Promise<'applied' | Skip> {
    // Its own flags, and what the other clicks of its email showed after it was stored (burst, honeypot).
    const automated = event.suspected_bot ? { automated: true, reasons: event.bot_reasons } : await automatedReasons(db, event);
    if (automated.automated) {
      deps.log.debug(
        { entry: entryId, subscriber: event.subscriber_id, reasons: automated.reasons },
        'suspected automated event: never learned from',
      );
      return { kind: 'suspected_bot' };
    }
    let known = knownReaders.get(event.subscriber_id);
    if (known === undefined) knownReaders.set(event.subscriber_id, (known = await subscriberExists(db, event.subscriber_id)));
    if (!known) {
      deps.log.warn(
        { entry: entryId, subscriber: event.subscriber_id, type: event.type },
        'reader event for an unknown reader: not learned (the subscriber does not exist)',
      );
      return { kind: 'unknown_reader' };
    }
    let article: Article | null = null;
    if (event.article_id) {
      if (!articles.has(event.article_id)) articles.set(event.article_id, await getArticle(db, event.article_id));
      article = articles.get(event.article_id) ?? null;
    }
    const corpus = await currentCorpus();
    const profileKey = db.keys.profile(event.subscriber_id);
    const marker = db.keys.learnedEntry(event.subscriber_id, entryId);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      // Two consumers can hold one entry for a moment (a slow batch claimed by another); the marker,
      // watched with the profile, lets only one of them apply it.
      await redis.watch(profileKey, marker);
      if ((await redis.exists(marker)) === 1) {
        await redis.unwatch();
        await redis.xack(stream, LEARN_GROUP, entryId);
        return { kind: 'already_applied' };
      }
      const outcome = learnEvent(parseProfile(await redis.get(profileKey)), event, article, corpus, deps.settings);
      if (!outcome.applied) {
        await redis.unwatch();
        const details = {
          entry: entryId,
          subscriber: event.subscriber_id,
          type: event.type,
          article: event.article_id,
          reason: outcome.reason,
        };
        if (outcome.kind === 'unknown_article') deps.log.warn(details, 'reader event for an unknown article: not learned');
        else deps.log.debug(details, 'reader event not learned from');
        return { kind: outcome.kind };
      }
      // The reader's profile, the marker, the event's share of the shared counts (its bucket's delta, rolled up
      // into the {learned} views by learned-rollup) and the acknowledgement share the reader's bucket (one slot):
      // one transaction, so a crash anywhere keeps all of it or none, and a redelivered entry is a no-op.
      const bucket = readerBucket(event.subscriber_id);
      const tx = redis.multi().set(profileKey, JSON.stringify(outcome.profile)).set(marker, '1', 'PX', APPLIED_MARKER_TTL_MS);
      addLearnedIncrements(tx, db, bucket, outcome.global);
      addLearnStats(tx, db, bucket, { applied: 1 });
      if ((await tx.xack(stream, LEARN_GROUP, entryId).exec()) === null) continue;
      return 'applied';
    }
    throw new Error(`profile ${event.subscriber_id} kept changing while event ${entryId} was applied; it stays pending and is retried`);
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
