import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseUrl, parseFeedDocument, readFeed, toArticle, FeedParseError, type FeedItem } from './feed-items';

const source = { id: 'field-notes', default_content_type: null };
const item = (overrides: Partial<FeedItem>): FeedItem => ({
  link: 'https://notes.example/a',
  title: 'A title',
  summary: 'A summary',
  published: '2026-11-20T08:00:00.000Z',
  author: 'Ana',
  topics: ['ranking'],
  content_type: 'post',
  ...overrides,
});

describe('feed items against the article contract', () => {
  it('turns a complete item into an article with a stable id', async () => {
    const verdict = await toArticle(item({}), source);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.article).toMatchObject({
        url: 'https://notes.example/a',
        content_type: 'post',
        source: 'field-notes',
        topics: ['ranking'],
      });
      expect(verdict.article.id).toMatch(/^art_[0-9a-f]{24}$/);
    }
  });

  it('quarantines an item without content_type instead of guessing', async () => {
    const verdict = await toArticle(item({ content_type: undefined }), source);
    expect(verdict).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^content_type is missing/)] });
  });

  it('uses the content type the operator declared for the source, never a guess', async () => {
    const verdict = await toArticle(item({ content_type: undefined }), { id: 'x', default_content_type: 'news' });
    expect(verdict.ok && verdict.article.content_type).toBe('news');
  });

  it('quarantines an unknown content_type, naming the allowed ones', async () => {
    const verdict = await toArticle(item({ content_type: 'blogpost' }), source);
    expect(verdict).toMatchObject({ ok: false, reasons: [expect.stringMatching(/content_type must be one of post, news/)] });
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', '/relative/path', 'ftp://files.example/a'])(
    'quarantines the link %s',
    async (link) => {
      const verdict = await toArticle(item({ link }), source);
      expect(verdict).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^url must be an absolute http/)] });
    },
  );

  it('quarantines an item with no title or date, with one reason each', async () => {
    const verdict = await toArticle(item({ title: undefined, published: 'yesterday' }), source);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reasons).toEqual([expect.stringMatching(/^title/), expect.stringMatching(/^published_at/)]);
  });

  it('removes tracking parameters and fragments from article URLs', () => {
    expect(normaliseUrl('https://a.example/x?utm_source=mail&id=3#top')).toBe('https://a.example/x?id=3');
    expect(normaliseUrl('javascript:alert(1)')).toBe('javascript:alert(1)');
  });

  it('reads RSS, Atom and JSON Feed, including topics, author and content type', () => {
    for (const [file, first] of [
      ['tidings-engineering.xml', 'Why idempotency keys belong to the batch'],
      ['field-notes.atom', 'Bots click everything; readers do not'],
      ['the-wire.json', 'Redis Streams as an event log for small teams'],
    ] as const) {
      const { items } = parseFeedDocument(readFileSync(new URL(`../../../samples/feeds/${file}`, import.meta.url), 'utf8'));
      expect(items.length).toBe(12);
      expect(items[0]).toMatchObject({ title: first, content_type: 'post' });
      expect(items[0]!.topics.length).toBeGreaterThan(0);
      expect(items[0]!.author).toBeTruthy();
    }
  });

  it('refuses a document that is not a feed', () => {
    expect(() => parseFeedDocument('<html><body>Not a feed</body></html>')).toThrow(FeedParseError);
    expect(() => parseFeedDocument('<rss><channel><item>')).toThrow(FeedParseError);
  });

  it('quarantines one malformed JSON Feed item (a numeric title) with its reason and keeps the others', async () => {
    const feed = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Mixed',
      items: [
        {
          id: '1',
          url: 'https://mixed.example/1',
          title: 12345,
          content_text: 'Numbers are not titles',
          date_published: '2026-11-20T08:00:00Z',
          _tidings: { content_type: 'post' },
        },
        {
          id: '2',
          url: 'https://mixed.example/2',
          title: 'A good one',
          content_text: 'Fine',
          date_published: '2026-11-20T09:00:00Z',
          _tidings: { content_type: 'post' },
        },
        {
          id: '3',
          url: 'https://mixed.example/3',
          title: 'Odd author',
          authors: [{ name: { first: 'Ana' } }],
          tags: [7, { x: 1 }],
          date_published: '2026-11-20T09:00:00Z',
          _tidings: { content_type: 'post' },
        },
      ],
    });
    const { verdicts } = await readFeed(feed, source, { nowMs: Date.parse('2026-11-20T12:00:00Z') });
    expect(verdicts.map((v) => v.ok)).toEqual([false, true, true]);
    expect(verdicts[0]).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^title /)] });
  });

  it('quarantines an item dated more than a day after the fetch, saying why, and accepts a few hours of clock skew', async () => {
    const nowMs = Date.parse('2026-11-20T12:00:00Z');
    const future = await toArticle(item({ published: '2100-01-01T00:00:00.000Z' }), source, { nowMs });
    expect(future).toMatchObject({
      ok: false,
      reasons: [expect.stringMatching(/^published_at 2100-01-01T00:00:00.000Z is more than 24 hours after the fetch/)],
    });
    const skewed = await toArticle(item({ published: '2026-11-20T20:00:00.000Z' }), source, { nowMs });
    expect(skewed.ok).toBe(true);
  });
});

describe('JSON that is not a JSON Feed', () => {
  it('is refused as a feed, saying what a JSON Feed has, while a real one with no items is still a feed', () => {
    for (const body of ['{"status":"ok","redis":"up"}', '{"messages":[]}'])
      expect(() => parseFeedDocument(body)).toThrow(
        /a JSON document without "version": "https:\/\/jsonfeed\.org\/version\/1\.1" or an "items" list/,
      );
    expect(parseFeedDocument('{"version":"https://jsonfeed.org/version/1.1","title":"Empty","items":[]}')).toEqual({
      title: 'Empty',
      items: [],
    });
  });
});
