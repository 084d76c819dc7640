import { describe, expect, it } from 'vitest';
import type { Article } from '../../contracts';
import { articleFeatures, buildCorpus } from '../interest/article-features';
import { applySignal, defaultInterestSettings, emptyProfile, type Profile } from '../interest/interest-profile';
import { buildSearchQueries } from './queries';
import { scoreSite, type DiscoveryReader, type SamplePost } from './scoring';
import { classifySearchResult, foundSourceId } from './search-results';

const NOW = Date.parse('2026-11-20T12:00:00Z');

function article(i: number, topic: string, title: string): Article {
  return {
    id: `a${topic}${i}`,
    url: `https://wire.example/${topic}/${i}`,
    title,
    summary: title,
    source: 'wire',
    topics: [topic],
    author: null,
    published_at: new Date(NOW - i * 3600_000).toISOString(),
    content_type: 'news',
  };
}

/** A reader who clicked `clicks` articles about `topic` (learned with the real learner). */
function readerOf(topic: string, clicks: number, corpusArticles: Article[]): DiscoveryReader {
  const corpus = buildCorpus(corpusArticles);
  let profile: Profile = emptyProfile(NOW - 86_400_000);
  for (let i = 0; i < clicks; i++) {
    const a = article(i, topic, `${topic} deep dive number ${i}`);
    profile = applySignal(profile, a.id, articleFeatures(a, corpus), 'click', NOW - 3600_000, defaultInterestSettings).profile;
  }
  return { profile, chosenTopics: [] };
}

const pool = [
  ...Array.from({ length: 6 }, (_, i) => article(i, 'kubernetes', `kubernetes deep dive number ${i}`)),
  ...Array.from({ length: 6 }, (_, i) => article(i, 'cooking', `cooking deep dive number ${i}`)),
];

describe('scoring a candidate site for readers', () => {
  const posts: SamplePost[] = Array.from({ length: 10 }, (_, i) =>
    i < 4
      ? { title: `Kubernetes operators, part ${i}`, summary: 'reconcile loops', topics: ['kubernetes'], author: null }
      : { title: `Gardening in winter ${i}`, summary: 'soil and frost', topics: ['gardening'], author: null },
  );

  it('counts the readers who would likely open its posts, how many, and says why in words', () => {
    const readers = [
      ...Array.from({ length: 3 }, () => readerOf('kubernetes', 6, pool)),
      readerOf('cooking', 6, pool),
      { profile: null, chosenTopics: [] },
    ];
    const s = scoreSite(posts, 'kube-example', readers, buildCorpus(pool), NOW);
    expect(s.readers).toBe(3);
    expect(s.opens).toBe(4);
    expect(s.reason).toBe('3 readers who read about kubernetes would likely open 4 of its last 10 posts');
    expect(s.score).toBeCloseTo(3 * 0.4, 5);
  });

  it('scales counts and score up to the population a sample of readers stands for, and says "about"', () => {
    const sample = [readerOf('kubernetes', 6, pool), readerOf('cooking', 6, pool)];
    const s = scoreSite(posts, 'kube-example', sample, buildCorpus(pool), NOW, undefined, 2_000);
    expect(s.readers).toBe(1_000);
    expect(s.score).toBeCloseTo(1_000 * 0.4, 5);
    expect(s.reason).toBe('about 1000 readers who read about kubernetes would likely open 4 of its last 10 posts');
  });

  it('counts a new reader by the topics they chose, and nobody for a site nobody cares about', () => {
    const chooser: DiscoveryReader = { profile: null, chosenTopics: ['gardening'] };
    const s = scoreSite(posts, 'kube-example', [chooser], buildCorpus(pool), NOW);
    expect(s.reason).toBe('1 reader who read about gardening would likely open 6 of its last 10 posts');
    const none = scoreSite(posts, 'kube-example', [readerOf('cooking', 6, pool)], buildCorpus(pool), NOW);
    expect(none).toMatchObject({ readers: 0, score: 0, interest: null });
    expect(none.reason).toMatch(/^no reader would likely open/);
  });
});

describe('search queries from groups of readers', () => {
  it('describes only interests several readers share, never one person', () => {
    const readers = [
      ...Array.from({ length: 3 }, () => readerOf('kubernetes', 6, pool)),
      readerOf('cooking', 6, pool),
      readerOf('cooking', 6, pool),
    ];
    const queries = buildSearchQueries(readers, NOW);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries[0]).toMatchObject({ q: 'kubernetes', readers: 3 });
    expect(queries.map((q) => q.q)).not.toContain('cooking');
    expect(buildSearchQueries([readerOf('kubernetes', 6, pool)], NOW)).toEqual([]);
  });
});

describe('search results and the article contract', () => {
  const base = {
    url: 'https://news.example/a',
    title: 'A story',
    content: '<b>body</b>',
    published: '2026-11-20T10:00:00.000Z',
    provider: 'searxng (bing news)',
  };
  it('files a news result under its site with the type the provider vouched for', () => {
    const v = classifySearchResult({ ...base, category: 'news' }, 'art_1', 'kubernetes');
    expect(v).toMatchObject({ ok: true, classified: 'searxng (bing news) filed it under news' });
    if (v.ok) expect(v.article).toMatchObject({ content_type: 'news', source: foundSourceId(base.url), summary: 'body' });
  });
  it('quarantines what it cannot classify, and what fails the contract, with reasons', () => {
    const general = classifySearchResult({ ...base, category: 'general' }, 'art_2', 'q');
    expect(general.ok).toBe(false);
    if (!general.ok) expect(general.reasons[0]).toMatch(/^content_type: the search result's category \(general\) does not say what it is/);
    const undated = classifySearchResult({ ...base, category: 'news', published: null }, 'art_3', 'q');
    expect(undated.ok ? [] : undated.reasons).toEqual(['published_at must be an ISO 8601 date-time']);
  });
});
