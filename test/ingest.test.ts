// Ingest against a real local http server and real Redis: bad feeds fail with a reason and back
// off, good items are stored once, nothing else is harmed.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../src/contracts';
import { getArticle, listQuarantine, recentArticles } from '../src/store/articles';
import { getSourceState, saveSource } from '../src/store/sources';
import { pollSource } from '../workers/ingest';
import { createFeedParser, type FeedParser } from '../workers/parse-feed';
import { forwardWeight } from '../src/core/interest/popularity';
import { memoryLogger, testEnv, type TestEnv } from './helpers';

const item = (o: { link: string; title: string; type?: string; description?: string; date?: string }) => `
<item>
  <title>${o.title}</title>
  <link>${o.link}</link>
  <description>${o.description ?? 'A plain summary.'}</description>
  <pubDate>${o.date ?? 'Fri, 20 Nov 2026 05:00:00 +0000'}</pubDate>
  <category>testing</category>
  ${o.type ? `<tidings:contentType>${o.type}</tidings:contentType>` : ''}
</item>`;
const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:tidings="urn:tidings:feed:1"><channel><title>T</title>${items}</channel></rss>`;

const goodFeed = rss(
  item({
    link: 'https://news.example/good?utm_source=feed&amp;id=7',
    title: 'A good article',
    type: 'post',
    description: '&lt;p&gt;Safe &lt;b&gt;text&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;',
  }) +
    item({ link: 'https://news.example/untyped', title: 'No content type here' }) +
    item({ link: 'javascript:alert(document.cookie)', title: 'A hostile link', type: 'post' }),
);
const otherFeed = rss(
  item({ link: 'https://news.example/good?id=7&amp;fbclid=abc', title: 'A good article, syndicated', type: 'news' }) +
    item({ link: 'https://other.example/own', title: 'Its own article', type: 'news' }),
);

// One item with a numeric title among good ones: the item is quarantined, the rest kept.
const mixedJsonFeed = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Mixed',
  items: [
    {
      id: '1',
      url: 'https://mixed.example/numeric',
      title: 404,
      content_text: 'A number for a title',
      date_published: '2026-11-20T08:00:00Z',
      _tidings: { content_type: 'post' },
    },
    {
      id: '2',
      url: 'https://mixed.example/fine',
      title: 'A fine item',
      content_text: 'Fine',
      date_published: '2026-11-20T09:00:00Z',
      _tidings: { content_type: 'post' },
    },
  ],
});
const futureFeed = rss(
  item({ link: 'https://future.example/2100', title: 'From the year 2100', type: 'post', date: 'Fri, 01 Jan 2100 00:00:00 +0000' }) +
    item({ link: 'https://future.example/today', title: 'From today', type: 'post' }),
);

// The library strips tags from this with a backtracking pattern: about ten seconds of one core.
const hostileJsonFeed = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Hostile',
  items: [
    {
      id: '1',
      url: 'https://hostile.example/1',
      title: 'Hostile',
      content_text: '<p'.repeat(48_000),
      date_published: '2026-11-20T08:00:00Z',
      _tidings: { content_type: 'post' },
    },
  ],
});

let server: Server;
let parser: FeedParser;
let base: string;
let hugeBytesSent = 0;
const requests: Array<{ path: string; ifNoneMatch?: string }> = [];

function streamHuge(res: ServerResponse): void {
  // 50 MB, produced chunk by chunk as the client reads: the test never holds it in memory.
  const chunk = Buffer.from(`<item><title>${'x'.repeat(1000)}</title></item>\n`.repeat(64));
  const total = 50 * 1024 * 1024;
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
  const pump = () => {
    while (hugeBytesSent < total) {
      hugeBytesSent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end('</channel></rss>');
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url!, ifNoneMatch: req.headers['if-none-match'] });
    switch (req.url) {
      case '/good.xml':
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        return void res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(goodFeed);
      case '/other.xml':
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(otherFeed);
      case '/malformed.xml':
        return void res.writeHead(200, { 'content-type': 'application/xml' }).end('<rss><channel><item><title>Broken');
      case '/page.html':
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!DOCTYPE html><html><head><title>Blog</title></head><body>Hi</body></html>');
      case '/huge.xml':
        return streamHuge(res);
      case '/mixed.json':
        return void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(mixedJsonFeed);
      case '/future.xml':
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(futureFeed);
      case '/hostile.json':
        return void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(hostileJsonFeed);
      case '/hang.xml':
        return; // never answers
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The production reader: documents are read on parsing threads, each within a budget.
  parser = createFeedParser({ threads: 2, budgetMs: 1500, log: memoryLogger() });
  // Wait for the thread to load, so its start-up does not compete with the tests' short fetch timeouts.
  await parser.parse(goodFeed, { id: 'warm-up', default_content_type: null }, Date.now());
});

afterAll(async () => {
  await parser.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let t: TestEnv;
let log: ReturnType<typeof memoryLogger>;
let deps: Parameters<typeof pollSource>[0];

beforeEach(() => {
  t = testEnv({ FEED_TIMEOUT_MS: '400', FEED_MAX_BYTES: '1000000' });
  log = memoryLogger();
  deps = { db: t.db, log, now: () => new Date('2026-11-20T12:00:00Z'), config: t.config, parser };
});
afterEach(() => t.cleanup());

async function source(id: string, path: string): Promise<Source> {
  const s: Source = { id, url: `${base}${path}`, title: id, default_content_type: null, added_at: '2026-11-20T00:00:00Z' };
  await saveSource(t.db, s);
  return s;
}

const warnings = () => log.lines.filter((l) => l.level === 'warn').map((l) => ({ msg: l.msg, ...(l.obj as Record<string, unknown>) }));

describe('ingest against real feeds', () => {
  it('stores valid items as safe text, and quarantines items without content_type and javascript: links, each with its reason', async () => {
    const result = await pollSource(deps, await source('good', '/good.xml'));
    expect(result, result.reason).toMatchObject({ status: 'ingested', stored: 1, quarantined: 2 });
    const [article] = await recentArticles(t.db, 10);
    expect(article).toMatchObject({ url: 'https://news.example/good?id=7', summary: 'Safe text', content_type: 'post' });
    const reasons = (await listQuarantine(t.db)).map((q) => q.reasons[0]);
    expect(reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^content_type is missing/), expect.stringMatching(/^url must be an absolute http/)]),
    );
    expect(warnings().filter((w) => w.msg === 'feed item quarantined')).toHaveLength(2);
    // The next poll sees the same bad items: they are counted, not listed or warned about again.
    await t.db.redis.hdel(t.db.keys.sourceState, 'good'); // forget the ETag so the feed is read again
    expect(await pollSource(deps, await source('good', '/good.xml'))).toMatchObject({
      status: 'ingested',
      stored: 0,
      duplicates: 1,
      quarantined: 2,
    });
    expect(await listQuarantine(t.db)).toHaveLength(2);
    expect(warnings().filter((w) => w.msg === 'feed item quarantined')).toHaveLength(2);
  });

  it('asks again with the ETag it was given and treats 304 as nothing new', async () => {
    const good = await source('good', '/good.xml');
    await pollSource(deps, good);
    expect((await getSourceState(t.db, 'good')).etag).toBe('"v1"');
    expect(await pollSource(deps, good)).toMatchObject({ status: 'not_modified', stored: 0 });
    expect(requests.filter((r) => r.path === '/good.xml').at(-1)!.ifNoneMatch).toBe('"v1"');
  });

  it('refuses malformed XML with a logged reason, backs off that source, and leaves the others alone', async () => {
    const broken = await source('broken', '/malformed.xml');
    const result = await pollSource(deps, broken);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^not a feed/) });
    const state = await getSourceState(t.db, 'broken');
    expect(state).toMatchObject({ failures: 1, last_error: result.reason, next_attempt_at: '2026-11-20T12:05:00.000Z' });
    expect(warnings()).toContainEqual(expect.objectContaining({ msg: 'source fetch failed', source: 'broken', reason: result.reason }));
    // Within the backoff the source is not fetched again; another source is unaffected.
    const before = requests.length;
    expect(await pollSource(deps, broken)).toMatchObject({
      status: 'backing_off',
      reason: expect.stringMatching(/backing off after 1 failed fetches/),
    });
    expect(requests.length).toBe(before);
    expect(await pollSource(deps, await source('good', '/good.xml'))).toMatchObject({ status: 'ingested', stored: 1 });
    // Later failures back off longer.
    await pollSource({ ...deps, now: () => new Date('2026-11-20T12:06:00Z') }, broken);
    expect((await getSourceState(t.db, 'broken')).next_attempt_at).toBe('2026-11-20T12:16:00.000Z');
  });

  it('refuses a feed URL that serves an HTML page, saying what to use instead', async () => {
    const result = await pollSource(deps, await source('page', '/page.html'));
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/HTML page, not a feed; use the page's RSS, Atom or JSON Feed link/),
    });
  });

  it('stops reading a 50 MB feed once it passes the size limit', async () => {
    const result = await pollSource(deps, await source('huge', '/huge.xml'));
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/more than 1000000 bytes; reading stopped there.*FEED_MAX_BYTES/),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The server stopped once the client hung up: far less than 50 MB went out.
    expect(hugeBytesSent).toBeLessThan(10 * 1024 * 1024);
  });

  it('gives up on a feed that never answers after the configured timeout', async () => {
    const started = Date.now();
    const result = await pollSource(deps, await source('hang', '/hang.xml'));
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/no complete answer within 400 ms \(FEED_TIMEOUT_MS\)/),
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stores an article carried by two sources once, under the source that brought it first', async () => {
    await pollSource(deps, await source('good', '/good.xml'));
    const result = await pollSource(deps, await source('other', '/other.xml'));
    expect(result).toMatchObject({ status: 'ingested', stored: 1, duplicates: 1 });
    const articles = await recentArticles(t.db, 10);
    expect(articles).toHaveLength(2);
    const shared = articles.find((a) => a.url === 'https://news.example/good?id=7')!;
    expect(await getArticle(t.db, shared.id)).toMatchObject({ source: 'good', title: 'A good article' });
  });

  it('does not store items from a source every reader votes down (the ingest filter), and logs why', async () => {
    await t.db.redis.hset(t.db.keys.globalInterest, 's:good:-', String(40 * forwardWeight(Date.parse('2026-11-20T12:00:00Z'))));
    const result = await pollSource(deps, await source('good', '/good.xml'));
    expect(result).toMatchObject({ status: 'ingested', stored: 0, filtered: 1, quarantined: 2 });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        msg: 'feed item not kept by the ingest filter',
        obj: expect.objectContaining({ reason: 'readers have consistently voted down the source good' }),
      }),
    );
  });

  it('quarantines one malformed JSON Feed item (a numeric title) with its reason and stores the rest', async () => {
    const result = await pollSource(deps, await source('mixed', '/mixed.json'));
    expect(result, result.reason).toMatchObject({ status: 'ingested', stored: 1, quarantined: 1 });
    expect((await recentArticles(t.db, 10)).map((a) => a.url)).toEqual(['https://mixed.example/fine']);
    const [held] = await listQuarantine(t.db);
    expect(held).toMatchObject({ source: 'mixed', reasons: [expect.stringMatching(/^title .*(string|text)/)] });
    expect(await getSourceState(t.db, 'mixed')).toMatchObject({
      failures: 0,
      last_error: null,
      last_success_at: '2026-11-20T12:00:00.000Z',
    });
  });

  it('quarantines an item dated in 2100 instead of letting it pin "latest" forever, and keeps today\'s', async () => {
    const result = await pollSource(deps, await source('future', '/future.xml'));
    expect(result, result.reason).toMatchObject({ status: 'ingested', stored: 1, quarantined: 1 });
    expect((await recentArticles(t.db, 10)).map((a) => a.url)).toEqual(['https://future.example/today']);
    const [held] = await listQuarantine(t.db);
    expect(held!.reasons).toEqual([expect.stringMatching(/^published_at 2100-01-01T00:00:00.000Z is more than 24 hours after the fetch/)]);
  });

  it('fails a feed that takes longer than the parse budget with a reason, and reads the next feed normally', async () => {
    const started = Date.now();
    const result = await pollSource(deps, await source('hostile', '/hostile.json'));
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/took longer than 1500 ms \(FEED_PARSE_TIMEOUT_MS\) and was stopped/),
    });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(await getSourceState(t.db, 'hostile')).toMatchObject({ failures: 1, last_error: result.reason });
    // The stopped thread is replaced; the pool goes on reading.
    expect(await pollSource(deps, await source('good', '/good.xml'))).toMatchObject({ status: 'ingested', stored: 1 });
  });
});
