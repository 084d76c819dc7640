import { describe, expect, it } from 'vitest';
import { fallbackFeedUrls, feedLinksIn, hostOf, looksLikeFeed, looksLikeHtml, outboundLinks } from './autodiscovery';

const page = 'https://example.com/blog/post.html';

describe('feed autodiscovery', () => {
  it('finds <link rel="alternate"> feeds of every type, resolving relative hrefs against the page', () => {
    const html = `<html><head>
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="atom.xml">
      <link rel="alternate" type="application/feed+json" href="//cdn.example.com/feed.json">
      <link rel="stylesheet" href="/site.css">
      <link rel="alternate" hreflang="de" href="/de/">
    </head><body></body></html>`;
    expect(feedLinksIn(html, page)).toEqual([
      { url: 'https://example.com/feed.xml', kind: 'rss', title: 'RSS' },
      { url: 'https://example.com/blog/atom.xml', kind: 'atom', title: '' },
      { url: 'https://cdn.example.com/feed.json', kind: 'json', title: '' },
    ]);
  });

  it('matches REL and TYPE in any case, takes rel="feed" of any type, reads links in the body, honours <base>, and lists each feed once', () => {
    const html = `<HTML><HEAD><BASE HREF="https://static.example.com/x/">
      <LINK REL="Alternate" TYPE="Application/RSS+XML" HREF="rss">
      <link rel="alternate feed" type="text/html" href="/everything">
      </HEAD><BODY><a rel="feed" href="rss">again</a><a REL="alternate" type="application/atom+xml; charset=utf-8" href="a.atom">Atom</a></BODY></HTML>`;
    expect(feedLinksIn(html, page).map((l) => l.url)).toEqual([
      'https://static.example.com/x/rss',
      'https://static.example.com/everything',
      'https://static.example.com/x/a.atom',
    ]);
  });

  it('finds nothing on a page without feed links, and never a javascript: or data: href', () => {
    expect(feedLinksIn('<p>hello</p><link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', page)).toEqual([]);
    expect(feedLinksIn('<link rel="feed" href="data:text/xml,<rss/>">', page)).toEqual([]);
  });

  it('offers the usual paths at the site root', () => {
    expect(fallbackFeedUrls(page)).toEqual([
      'https://example.com/feed',
      'https://example.com/rss',
      'https://example.com/rss.xml',
      'https://example.com/atom.xml',
      'https://example.com/feed.xml',
      'https://example.com/index.xml',
      'https://example.com/feed.json',
    ]);
  });

  it('tells an HTML page from a feed', () => {
    expect(looksLikeHtml('  <!-- hi --><!DOCTYPE html><html>')).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><rss>')).toBe(false);
    expect(looksLikeFeed('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(true);
    expect(looksLikeFeed('{"version":"https://jsonfeed.org/version/1.1","items":[]}')).toBe(true);
    expect(looksLikeFeed('{"results":[]}')).toBe(false);
  });

  it('lists links to other sites only, without sponsored ones, ports counting as other sites', () => {
    const html = `<a href="/own">own</a><a href="https://www.example.com/x">own www</a><a href="https://other.org/a#frag">other</a>
      <a rel="sponsored" href="https://ads.example.net/">ad</a><a href="http://127.0.0.1:9999/p">local</a><a href="mailto:x@y">mail</a>`;
    expect(outboundLinks(html, 'https://example.com/post')).toEqual(['https://other.org/a', 'http://127.0.0.1:9999/p']);
    expect(hostOf('https://WWW.Example.com:8443/x')).toBe('example.com:8443');
  });
});
