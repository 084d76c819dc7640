import { describe, expect, it } from 'vitest';
import { feedsFromOpml, opmlFromFeeds } from './opml';

describe('OPML', () => {
  it('round-trips feeds through a document, nested folders and odd characters included', () => {
    const feeds = [
      { url: 'https://a.example/feed.xml', title: 'A & B <news>', site: 'https://a.example/' },
      { url: 'https://b.example/rss?x=1&y=2', title: 'Bé "quoted"', site: null },
    ];
    const xml = opmlFromFeeds(feeds, 'Tidings sources', new Date('2026-11-20T00:00:00Z'));
    expect(xml).toContain('<opml');
    expect(feedsFromOpml(xml)).toEqual(feeds);
  });

  it('reads feeds inside folders, once each, and refuses a document that is not OPML', () => {
    const xml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="Tech"><outline text="One" type="rss" xmlUrl="https://one.example/feed"/>
      <outline text="Dup" type="rss" xmlUrl="https://one.example/feed"/></outline>
      <outline text="Two" xmlUrl="https://two.example/atom" htmlUrl="https://two.example/"/></body></opml>`;
    expect(feedsFromOpml(xml)).toEqual([
      { url: 'https://one.example/feed', title: 'One', site: null },
      { url: 'https://two.example/atom', title: 'Two', site: 'https://two.example/' },
    ]);
    expect(() => feedsFromOpml('<html><body>no</body></html>')).toThrow(/not an OPML document/);
  });
});
