// The ingest job: fetch one source's feed, keep the items that pass the article contract,
// quarantine the rest with their reasons.
import { UnrecoverableError, type Job } from 'bullmq';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ingestJobSchema, type Article, type Source } from '../src/contracts';
import { parseFeedDocument, toArticle } from '../src/core/feed-items';
import type { Logger } from '../src/core/logger';
import { quarantineItem, saveArticles } from '../src/store/articles';
import type { Db } from '../src/store/keys';
import { getSource } from '../src/store/sources';

const SAMPLES_DIR = fileURLToPath(new URL('../samples/feeds/', import.meta.url));
const FETCH_TIMEOUT_MS = 15_000;

export interface IngestDeps {
  db: Db;
  log: Logger;
  now: () => Date;
}

export interface IngestResult {
  source: string;
  stored: number;
  quarantined: number;
}

export function ingestProcessor(deps: IngestDeps) {
  return async (job: Job): Promise<IngestResult> => {
    const { source_id } = ingestJobSchema.parse(job.data);
    const source = await getSource(deps.db, source_id);
    if (!source) throw new UnrecoverableError(`source ${source_id} does not exist (removed since the job was queued?)`);
    return ingestSource(deps, source, await fetchFeed(source));
  };
}

/** Validate every item of a feed document and store the result. */
export async function ingestSource(deps: IngestDeps, source: Source, body: string): Promise<IngestResult> {
  const { items } = parseFeedDocument(body);
  const articles: Article[] = [];
  let quarantined = 0;
  for (const item of items) {
    const verdict = await toArticle(item, source);
    if (verdict.ok) {
      articles.push(verdict.article);
    } else {
      quarantined++;
      await quarantineItem(deps.db, { source: source.id, reasons: verdict.reasons, item: verdict.item, at: deps.now().toISOString() });
      deps.log.warn({ source: source.id, link: verdict.item.link, reasons: verdict.reasons }, 'feed item quarantined');
    }
  }
  await saveArticles(deps.db, articles);
  deps.log.info({ source: source.id, stored: articles.length, quarantined }, 'source ingested');
  return { source: source.id, stored: articles.length, quarantined };
}

/** Read a shipped sample feed, or fetch an http(s) feed with a timeout. */
async function fetchFeed(source: Source): Promise<string> {
  if (source.url.startsWith('sample:')) {
    return readFile(SAMPLES_DIR + source.url.slice('sample:'.length), 'utf8');
  }
  const response = await fetch(source.url, {
    headers: { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5', 'user-agent': 'Tidings feed reader' },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    redirect: 'follow',
  });
  if (!response.ok) throw new Error(`feed ${source.url} answered ${response.status}`);
  return response.text();
}
