// The ingest job: fetch one source's feed (conditionally, with a timeout, a size limit and backoff
// after failures), keep the items that pass the article contract and the ingest filter, quarantine
// the rest with their reasons. Every failure ends as a logged reason and the source's state.
import { UnrecoverableError, type Job } from 'bullmq';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Article, Source } from '../src/contracts';
import type { Config } from '../src/env';
import { sha256Hex } from '../src/core/encoding';
import { pointDemoLinksAt } from '../src/core/feeds/demo-links';
import { FeedParseError } from '../src/core/feeds/feed-items';
import { ingestFilterKeys, ingestVerdict } from '../src/core/interest/ingest-filter';
import type { Logger } from '../src/core/logger';
import { quarantineItem, saveNewArticles } from '../src/store/articles';
import { globalInterest } from '../src/store/interest';
import type { Db } from '../src/store/keys';
import { getSource, getSourceState, saveSourceState, type SourceState } from '../src/store/sources';
import { fetchFeed, fetchPolicyFrom, type FetchLimits } from './fetch-feed';
import { publicOnly } from '../src/core/feeds/address-guard';
import type { FeedParser } from './parse-feed';
import { ingestJobSchema } from './queues';

const SAMPLES_DIR = fileURLToPath(new URL('../samples/feeds/', import.meta.url));
/** Backoff after the first failure, doubling per failure up to a day. */
const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_MAX_MS = 24 * 3600_000;
/** How long a quarantined item is remembered, so the same bad item is not listed again on every poll. */
const QUARANTINE_MEMORY_S = 30 * 86_400;

export interface IngestDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  /** Where documents are read: the pool of parsing threads (createFeedParser), or inline for known samples. */
  parser: FeedParser;
  config?: Pick<Config, 'FEED_TIMEOUT_MS' | 'FEED_MAX_BYTES' | 'ARTICLE_MAX_AGE_HOURS' | 'NODE_ENV' | 'FETCH_ALLOW_HOSTS'> &
    Partial<Pick<Config, 'PUBLIC_BASE_URL'>>;
}

export interface IngestResult {
  source: string;
  status: 'ingested' | 'not_modified' | 'failed' | 'backing_off';
  stored: number;
  quarantined: number;
  /** Valid items not stored: already known (from this or another source) or refused by the ingest filter. */
  duplicates: number;
  filtered: number;
  reason?: string;
}

const limitsOf = (deps: IngestDeps): FetchLimits => ({
  timeoutMs: deps.config?.FEED_TIMEOUT_MS ?? 15_000,
  maxBytes: deps.config?.FEED_MAX_BYTES ?? 5_000_000,
  // Without a configuration, the strict policy: public addresses only.
  addresses: deps.config ? fetchPolicyFrom(deps.config) : publicOnly,
});

export function ingestProcessor(deps: IngestDeps) {
  return async (job: Job): Promise<IngestResult> => {
    const { source_id } = ingestJobSchema.parse(job.data);
    const source = await getSource(deps.db, source_id);
    if (!source) throw new UnrecoverableError(`source ${source_id} does not exist (removed since the job was queued?)`);
    return pollSource(deps, source);
  };
}

/** Fetch and ingest one source now, unless it is backing off after failures. */
export async function pollSource(deps: IngestDeps, source: Source): Promise<IngestResult> {
  const now = deps.now();
  const state = await getSourceState(deps.db, source.id);
  const empty = { source: source.id, stored: 0, quarantined: 0, duplicates: 0, filtered: 0 };
  if (state.next_attempt_at && Date.parse(state.next_attempt_at) > now.getTime()) {
    const reason = `backing off after ${state.failures} failed fetches until ${state.next_attempt_at} (last error: ${state.last_error})`;
    deps.log.info({ source: source.id, reason }, 'source skipped');
    return { ...empty, status: 'backing_off', reason };
  }
  const attempt = { ...state, last_attempt_at: now.toISOString() };
  let body: string;
  let validators = { etag: state.etag, last_modified: state.last_modified };
  if (source.url.startsWith('sample:')) {
    body = await readFile(SAMPLES_DIR + source.url.slice('sample:'.length), 'utf8');
    // In development the demo articles are this instance's own /demo/ pages (their hosts do not exist).
    if (deps.config?.NODE_ENV === 'development' && deps.config.PUBLIC_BASE_URL) body = pointDemoLinksAt(body, deps.config.PUBLIC_BASE_URL);
  } else {
    const fetched = await fetchFeed(source.url, validators, limitsOf(deps));
    if (fetched.status === 'failed') return fail(deps, source, attempt, fetched.reason, empty);
    if (fetched.status === 'not_modified') {
      await saveSourceState(deps.db, source.id, {
        ...attempt,
        failures: 0,
        next_attempt_at: null,
        last_error: null,
        last_success_at: now.toISOString(),
      });
      deps.log.info({ source: source.id }, 'source not modified since the last fetch');
      return { ...empty, status: 'not_modified' };
    }
    body = fetched.body;
    validators = fetched.validators;
  }
  let result: IngestResult;
  try {
    result = await ingestSource(deps, source, body);
  } catch (error) {
    if (error instanceof FeedParseError) return fail(deps, source, attempt, error.message, empty);
    throw error;
  }
  await saveSourceState(deps.db, source.id, {
    ...attempt,
    ...validators,
    failures: 0,
    next_attempt_at: null,
    last_error: null,
    last_success_at: now.toISOString(),
  });
  return result;
}

async function fail(
  deps: IngestDeps,
  source: Source,
  state: SourceState,
  reason: string,
  empty: Omit<IngestResult, 'status'>,
): Promise<IngestResult> {
  const failures = state.failures + 1;
  const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
  const next = new Date(deps.now().getTime() + backoff).toISOString();
  await saveSourceState(deps.db, source.id, { ...state, failures, next_attempt_at: next, last_error: reason });
  deps.log.warn({ source: source.id, url: source.url, failures, next_attempt_at: next, reason }, 'source fetch failed');
  return { ...empty, status: 'failed', reason };
}

/** Validate every item of a feed document, filter, deduplicate and store the result. */
export async function ingestSource(deps: IngestDeps, source: Source, body: string): Promise<IngestResult> {
  const now = deps.now();
  // Parsing runs on a parsing thread with a time budget (parse-feed.ts): a hostile document fails
  // this source with a reason instead of stalling the process.
  const read = await deps.parser.parse(body, source, now.getTime());
  if (!read.ok) throw new FeedParseError(read.reason);
  const valid = new Map<string, Article>();
  let quarantined = 0;
  let duplicates = 0;
  for (const verdict of read.verdicts) {
    if (verdict.ok) {
      if (valid.has(verdict.article.id)) duplicates++;
      else valid.set(verdict.article.id, verdict.article);
    } else {
      quarantined++;
      // A feed repeats its items on every poll: quarantine (and warn about) each bad item once.
      const fingerprint = await sha256Hex(JSON.stringify(verdict.item));
      const seen = deps.db.keys.quarantineSeen(source.id);
      const [[, added] = [null, 0]] = (await deps.db.redis.multi().sadd(seen, fingerprint).expire(seen, QUARANTINE_MEMORY_S).exec()) ?? [];
      if (added === 1) {
        await quarantineItem(deps.db, { source: source.id, reasons: verdict.reasons, item: verdict.item, at: now.toISOString() });
        deps.log.warn({ source: source.id, link: verdict.item.link, reasons: verdict.reasons }, 'feed item quarantined');
      } else {
        deps.log.debug({ source: source.id, link: verdict.item.link }, 'feed item still fails the contract (already quarantined)');
      }
    }
  }

  // Ages count back from the feed's newest item (or now, if it is newer), so a quiet feed keeps its latest posts.
  const articles = [...valid.values()];
  // A loop, not Math.max(...all): a feed may hold more items than a call has arguments.
  const newest = Math.min(
    now.getTime(),
    articles.reduce((max, a) => Math.max(max, Date.parse(a.published_at)), -Infinity),
  );
  const oldestMs = (Number.isFinite(newest) ? newest : now.getTime()) - (deps.config?.ARTICLE_MAX_AGE_HOURS ?? 168) * 3600_000;
  const global = await globalInterest(deps.db, ingestFilterKeys(articles));
  const worth: Article[] = [];
  let filtered = 0;
  for (const article of articles) {
    const verdict = ingestVerdict(article, { oldestMs, nowMs: now.getTime(), global });
    if (verdict.worth) worth.push(article);
    else {
      filtered++;
      deps.log.info({ source: source.id, url: article.url, reason: verdict.reason }, 'feed item not kept by the ingest filter');
    }
  }
  const stored = await saveNewArticles(deps.db, worth);
  duplicates += worth.length - stored.length;
  if (worth.length > stored.length) {
    deps.log.info(
      { source: source.id, duplicates: worth.length - stored.length },
      'feed items already known (this or another source brought them first): not stored again',
    );
  }
  deps.log.info({ source: source.id, stored: stored.length, quarantined, duplicates, filtered }, 'source ingested');
  return { source: source.id, status: 'ingested', stored: stored.length, quarantined, duplicates, filtered };
}
