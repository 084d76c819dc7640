// Properties of feed text and feed items over thousands of generated inputs: no throw, no hang, and
// what comes out is always safe text or a verdict with reasons.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { articleSchema } from '../../contracts';
import { FeedParseError, readFeed, toArticle, type FeedItem } from './feed-items';
import { htmlToText } from './safe-text';

const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const source = { id: 'prop', default_content_type: 'post' as const };
const nowMs = Date.parse('2026-11-20T12:00:00Z');

/** Markup-like text: the pieces hostile feeds are made of, in any order, with ordinary text between. */
const markupish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<p',
        '<p>',
        '</p>',
        '<script>',
        '</script>',
        '<style>',
        '<a href="',
        '<a ',
        '"',
        '>',
        '<',
        '<!--',
        '-->',
        '<![CDATA[',
        ']]>',
        '<svg>',
        '</svg>',
        '&amp;',
        '&lt;script&gt;',
        '&#x',
        '&#0;',
        '&#x110000;',
        '&bogus;',
        '\u0000',
        '\u202e',
        '\u009b',
        '\n',
        ' ',
        '<br/>',
        '</',
        '<?xml',
        '<!doctype html>',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('htmlToText over generated input', () => {
  it('always returns trimmed, collapsed text without control characters, within the length asked for', () => {
    fc.assert(
      fc.property(fc.oneof(markupish, fc.string({ unit: 'binary', maxLength: 200 })), fc.integer({ min: 1, max: 300 }), (input, max) => {
        const text = htmlToText(input, max);
        return text.length <= max && !CONTROLS.test(text) && text === text.trim() && !/\s\s/.test(text);
      }),
      { numRuns: 1500 },
    );
  });

  it('leaves text without markup, entities or controls as it was, apart from whitespace', () => {
    const plain = fc.string({ maxLength: 200 }).filter((s) => !/[<&]/.test(s) && !CONTROLS.test(s));
    fc.assert(
      fc.property(plain, (input) => htmlToText(input) === input.replace(/\s+/g, ' ').trim()),
      { numRuns: 2000 },
    );
  });

  it('never lets script content through', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9 ();=.]{0,80}$/), (code) => htmlToText(`a<script>${code}</script>b`) === 'ab'),
      { numRuns: 1000 },
    );
  });

  it('reduces large generated markup without hanging', () => {
    const large = fc.array(markupish, { minLength: 50, maxLength: 200 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(large, (input) => {
        expect(htmlToText(input, 2000).length).toBeLessThanOrEqual(2000);
      }),
      { numRuns: 200 },
    );
  });
});

/** Whatever JSON a stranger's feed holds, in the fields an item has. */
const anyField = fc.oneof(
  fc.string({ maxLength: 40 }),
  markupish,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

describe('feed items over generated input', () => {
  it('gives every item a verdict, never a throw, and every accepted article passes the contract', async () => {
    const item = fc.record({
      link: fc.oneof(fc.webUrl(), anyField),
      title: anyField,
      summary: anyField,
      published: fc.oneof(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        anyField,
      ),
      author: anyField,
      topics: fc.oneof(fc.array(anyField, { maxLength: 4 }), anyField),
      content_type: fc.oneof(fc.constantFrom('post', 'news', 'blog'), anyField),
    });
    await fc.assert(
      fc.asyncProperty(item, async (raw) => {
        const verdict = await toArticle(raw as unknown as FeedItem, source, { nowMs });
        if (verdict.ok) {
          expect(articleSchema.safeParse(verdict.article).success).toBe(true);
          expect(Date.parse(verdict.article.published_at)).toBeLessThanOrEqual(nowMs + 24 * 3600_000);
        } else expect(verdict.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('reads any JSON Feed document into one verdict per item, or refuses it as not a feed', async () => {
    const jsonItem = fc.record(
      {
        id: anyField,
        url: fc.oneof(fc.webUrl(), anyField),
        title: anyField,
        content_text: anyField,
        content_html: anyField,
        date_published: anyField,
        authors: anyField,
        tags: anyField,
        _tidings: anyField,
      },
      { requiredKeys: [] },
    );
    const doc = fc.record({
      version: fc.constant('https://jsonfeed.org/version/1.1'),
      title: anyField,
      items: fc.array(jsonItem, { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(doc, async (feed) => {
        try {
          const { verdicts } = await readFeed(JSON.stringify(feed), source, { nowMs });
          expect(verdicts.length).toBe(feed.items.length);
        } catch (error) {
          expect(error).toBeInstanceOf(FeedParseError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
