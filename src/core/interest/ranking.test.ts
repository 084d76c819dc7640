import { describe, expect, it } from 'vitest';
import type { Article } from '../../contracts';
import { articleFeatures, buildCorpus } from './article-features';
import { applySignal, defaultInterestSettings, emptyProfile, type Profile } from './interest-profile';
import { forwardWeight, noPopularity, popularitySnapshot } from './popularity';
import {
  anonymousReader,
  bestFirst,
  defaultRankSettings,
  latestPost,
  prepareCandidates,
  rankCandidates,
  type ReaderContext,
} from './ranking';

const NOW = Date.parse('2026-11-20T12:00:00Z');
let n = 0;
const art = (overrides: Partial<Article> = {}): Article => {
  const id = overrides.id ?? `art_${++n}`;
  return {
    id,
    url: `https://x.example/${id}`,
    title: `Story number ${id} about things`,
    summary: '',
    source: 'the-wire',
    topics: ['general'],
    author: null,
    published_at: '2026-11-20T10:00:00Z',
    content_type: 'post',
    ...overrides,
  };
};
const rank = (articles: Article[], reader: Partial<ReaderContext> = {}, settings = {}) =>
  rankCandidates(
    prepareCandidates(articles, buildCorpus(articles)),
    { ...anonymousReader(NOW), ...reader },
    { ...defaultRankSettings, limit: Infinity, ...settings },
  );
const ids = (ranked: { article: Article }[]) => ranked.map((r) => r.article.id);

function learned(articles: Article[], clicks: Article[]): Profile {
  const corpus = buildCorpus(articles);
  let p = emptyProfile();
  for (const a of clicks) p = applySignal(p, a.id, articleFeatures(a, corpus), 'click', NOW - 3600_000, defaultInterestSettings).profile;
  return p;
}

describe('the ranker', () => {
  it('never ranks an internal document or an article already sent to this reader', () => {
    const internal = art({ content_type: 'internal', title: 'Runbook for rotating keys' });
    const sent = art({ title: 'Already in your last briefing' });
    const fine = art({ title: 'A fine new article' });
    expect(ids(rank([internal, sent, fine], { alreadySent: new Set([sent.id]) }))).toEqual([fine.id]);
  });

  it('drops articles past the maximum age, counted back from the newest candidate when feeds are quiet', () => {
    const newest = art({ published_at: '2026-11-01T00:00:00Z', title: 'Newest of a quiet month' });
    const weekOld = art({ published_at: '2026-10-27T00:00:00Z', title: 'Five days before that' });
    const ancient = art({ published_at: '2026-09-01T00:00:00Z', title: 'Two months before that' });
    expect(ids(rank([newest, weekOld, ancient]))).toEqual([newest.id, weekOld.id]);
    expect(ids(rank([newest, weekOld, ancient], {}, { maxAgeHours: 24 }))).toEqual([newest.id]);
  });

  it('removes near-duplicates: one story told by two sources appears once', () => {
    const a = art({ title: 'Redis 8 released with new stream commands', source: 'the-wire' });
    const b = art({ title: 'Redis 8 released, with new stream commands!', source: 'field-notes', published_at: '2026-11-20T09:00:00Z' });
    const c = art({ title: 'Something else entirely' });
    const ranked = ids(rank([a, b, c]));
    expect(ranked).toHaveLength(2);
    expect(ranked).toContain(c.id);
  });

  it('keeps a briefing diverse: no more than the cap from one source in the first window', () => {
    const wire = Array.from({ length: 8 }, (_, i) => art({ title: `Wire piece ${i} alpha${i}`, source: 'the-wire', topics: [`t${i}`] }));
    const other = Array.from({ length: 8 }, (_, i) =>
      art({ title: `Other piece ${i} beta${i}`, source: `source-${i % 3}`, topics: [`u${i}`], published_at: '2026-11-19T10:00:00Z' }),
    );
    const top = rank([...wire, ...other], {}, { limit: 10, diversityWindow: 10, maxPerSource: 4 });
    expect(top).toHaveLength(10);
    expect(top.filter((r) => r.article.source === 'the-wire').length).toBeLessThanOrEqual(4);
  });

  it('caps one story (its first topic) in a briefing', () => {
    const same = Array.from({ length: 6 }, (_, i) =>
      art({ title: `Election update ${i} gamma${i}`, topics: ['election'], source: `s${i}` }),
    );
    const rest = Array.from({ length: 8 }, (_, i) =>
      art({ title: `Various ${i} delta${i}`, topics: [`v${i}`], source: `r${i}`, published_at: '2026-11-19T10:00:00Z' }),
    );
    const top = rank([...same, ...rest], {}, { limit: 10, diversityWindow: 10, maxPerStory: 3 });
    expect(top.filter((r) => r.article.topics[0] === 'election').length).toBe(3);
  });

  it('starts from the topics a new reader chose, and says so', () => {
    const chosen = art({ title: 'Deep dive into ranking', topics: ['ranking'], published_at: '2026-11-19T12:00:00Z' });
    const newer = art({ title: 'Fresh gardening news', topics: ['gardening'] });
    const ranked = rank([chosen, newer], { chosenTopics: ['ranking'] });
    expect(ids(ranked)[0]).toBe(chosen.id);
    expect(ranked[0]!.reasons).toContain('you follow ranking');
  });

  it('moves from the chosen topics to the learned profile as signals accumulate, with the reason in words', () => {
    const history = Array.from({ length: 12 }, (_, i) =>
      art({ title: `Feeds internals part ${i}`, topics: ['feeds'], source: 'field-notes' }),
    );
    const feeds = art({ title: 'Parsing feeds without trusting them', topics: ['feeds'], source: 'field-notes' });
    const chosen = art({ title: 'Gardening for beginners', topics: ['gardening'] });
    const all = [...history, feeds, chosen];
    const reader = { chosenTopics: ['gardening'], sourceTitles: new Map([['field-notes', 'Field Notes']]) };
    // One click: the topic the reader chose still leads.
    expect(ids(rank([feeds, chosen], { ...reader, profile: learned(all, history.slice(0, 1)) }))[0]).toBe(chosen.id);
    // Twelve clicks: what they actually read leads, and the reason says so.
    const ranked = rank([feeds, chosen], { ...reader, profile: learned(all, history) });
    expect(ids(ranked)[0]).toBe(feeds.id);
    expect(ranked[0]!.reasons[0]).toMatch(/^because you (read about feeds|often read Field Notes)$/);
  });

  it('lifts articles readers click more than most, and says they are popular', () => {
    const a = art({ title: 'Widely read piece' });
    const b = art({ title: 'Rarely read piece', published_at: '2026-11-20T11:00:00Z' });
    const fw = forwardWeight(NOW);
    const popularity = popularitySnapshot(
      [
        [a.id, { clicks: 40 * fw, delivered: 100 * fw }],
        [b.id, { clicks: 1 * fw, delivered: 100 * fw }],
      ],
      { clicks: 100, delivered: 1000 },
      NOW,
    );
    const ranked = rank([a, b], { popularity });
    expect(ids(ranked)).toEqual([a.id, b.id]);
    expect(ranked[0]!.reasons).toContain('popular with other readers');
  });

  it('honours what the reader muted: a source, a dropped topic', () => {
    const muted = art({ source: 'noisy', title: 'From the noisy source' });
    const dropped = art({ topics: ['crypto'], title: 'About crypto' });
    const kept = art({ title: 'Kept article' });
    expect(ids(rank([muted, dropped, kept], { mutedSources: new Set(['noisy']), mutedTopics: new Set(['crypto']) }))).toEqual([kept.id]);
  });

  it('never says "new since your last briefing" to a reader who has had no briefing yet', () => {
    const quiet = art({ title: 'A quiet article from two days ago', published_at: '2026-11-18T12:00:00Z' });
    const fresh = art({ title: 'Something published this morning' });
    const reasonsOfQuiet = (reader: Partial<ReaderContext>) =>
      rank([fresh, quiet], { popularity: noPopularity, ...reader }).find((r) => r.article.id === quiet.id)!.reasons;
    const first = reasonsOfQuiet({});
    expect(first).not.toContain('new since your last briefing');
    expect(first.length).toBeGreaterThan(0);
    // Once something was sent, the words are true again.
    expect(reasonsOfQuiet({ alreadySent: new Set(['art_sent_before']) })).toEqual(['new since your last briefing']);
  });

  it('gives every ranked article at least one reason', () => {
    const ranked = rank([art(), art({ title: 'Another one' })], { popularity: noPopularity });
    expect(ranked.every((r) => r.reasons.length > 0)).toBe(true);
  });
});

describe('the prepared pool', () => {
  it('ranks exactly as the per-feature lookups do: same articles, order, scores and reasons', () => {
    const topics = ['email', 'ranking', 'feeds', 'auth', 'redis'];
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec'.split(' ');
    const articles = Array.from({ length: 60 }, (_, i) =>
      art({
        title: `${topics[i % 5]} ${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} ${words[(i * 11 + 5) % words.length]} ${i}`,
        summary: `what changed in ${topics[(i + 2) % 5]} this week, part ${i}`,
        source: ['the-wire', 'field-notes', 'engineering'][i % 3]!,
        topics: [topics[i % 5]!, topics[(i + 1) % 5]!],
        published_at: new Date(NOW - i * 1800_000).toISOString(),
      }),
    );
    const reader = {
      ...anonymousReader(NOW),
      profile: learned(
        articles,
        articles.filter((_, i) => i % 20 === 1),
      ),
      chosenTopics: ['feeds'],
    };
    const prepared = prepareCandidates(articles, buildCorpus(articles));
    expect(prepared[0]!.vocabulary).toBeDefined();
    const unprepared = prepared.map(({ featureIds: _ids, vocabulary: _vocabulary, ...c }) => c);
    const settings = { ...defaultRankSettings, limit: Infinity };
    const fast = rankCandidates(prepared, reader, settings);
    expect(fast.length).toBeGreaterThan(15);
    expect(fast).toEqual(rankCandidates(unprepared, reader, settings));
  });

  it("ranks a batch's readers over one pool exactly as each ranked alone, as popularity, time and settings change", () => {
    const topics = ['email', 'ranking', 'feeds', 'auth', 'redis'];
    const articles = Array.from({ length: 80 }, (_, i) =>
      art({
        title: `${topics[i % 5]} notes ${i} on ${topics[(i * 3) % 5]} and ${i % 7} more`,
        source: ['the-wire', 'field-notes', 'engineering', 'bulletin'][i % 4]!,
        topics: [topics[i % 5]!],
        content_type: i % 9 === 0 ? 'internal' : 'post',
        published_at: new Date(NOW - i * 3 * 3600_000).toISOString(),
      }),
    );
    const pool = prepareCandidates(articles, buildCorpus(articles));
    const clicked = popularitySnapshot(
      articles.slice(0, 30).map((a, i) => [a.id, { clicks: (i % 6) * forwardWeight(NOW), delivered: 40 * forwardWeight(NOW) }]),
      { clicks: 10, delivered: 100 },
      NOW,
    );
    const settings = { ...defaultRankSettings, limit: 10 };
    const readers: ReaderContext[] = Array.from({ length: 24 }, (_, r) => ({
      ...anonymousReader(r >= 20 ? NOW + 86_400_000 : NOW, new Set(articles.filter((_, i) => (i + r) % 5 === 0).map((a) => a.id))),
      profile:
        r % 4 === 0
          ? null
          : learned(
              articles,
              articles.filter((_, i) => i % (r + 2) === 1),
            ),
      chosenTopics: [topics[r % 5]!],
      mutedSources: new Set(r % 3 === 0 ? ['bulletin'] : []),
      // Readers 8–15 see another popularity snapshot than the rest: the shared parts must not carry over.
      popularity: r >= 8 && r < 16 ? clicked : noPopularity,
    }));
    for (const [r, reader] of readers.entries()) {
      const s = r === 12 ? { ...settings, maxAgeHours: 48 } : settings;
      const ranked = rankCandidates(pool, reader, s);
      expect(ranked.length).toBeGreaterThan(0);
      expect(ranked).toEqual(rankCandidates([...pool], reader, s)); // a copy of the pool shares nothing with earlier rankings
    }
  });
});

describe('latestPost', () => {
  it('is the newest post not excluded (the first of equals), asked again and again of one pool', () => {
    const pool = [
      art({ id: 'p1', published_at: '2026-11-20T08:00:00Z' }),
      art({ id: 'doc', content_type: 'internal', published_at: '2026-11-20T11:00:00Z' }),
      art({ id: 'p2', published_at: '2026-11-20T10:00:00Z' }),
      art({ id: 'p3', published_at: '2026-11-20T10:00:00Z' }),
      art({ id: 'news', content_type: 'news', published_at: '2026-11-20T11:30:00Z' }),
    ];
    expect(latestPost(pool)?.id).toBe('p2');
    expect(latestPost(pool, new Set(['p2']))?.id).toBe('p3');
    expect(latestPost(pool, { has: (id) => id !== 'p1' })?.id).toBe('p1');
    expect(latestPost(pool, new Set(['p1', 'p2', 'p3']))).toBeNull();
    // A date that does not parse: the first post the scan meets stays, as it always has.
    expect(latestPost([art({ id: 'odd', published_at: 'soon' }), ...pool])?.id).toBe('odd');
  });
});

describe('bestFirst', () => {
  it("yields exactly a full sort's order, whether the walk stops early or reads everything", () => {
    let seed = 9;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (const size of [0, 1, 5, 47, 48, 49, 200, 500]) {
      // Few distinct scores, so ties are broken by the second and third keys as in the ranker.
      const score = Array.from({ length: size }, () => Math.floor(random() * 8));
      const age = Array.from({ length: size }, () => Math.floor(random() * 3));
      const better = (x: number, y: number) => score[y]! - score[x]! || age[x]! - age[y]! || x - y;
      const all = Array.from({ length: size }, (_, i) => i);
      const expected = [...all].sort(better);
      for (const ahead of [1, 10, 48]) {
        expect([...bestFirst([...all], better, ahead)]).toEqual(expected);
        const early: number[] = [];
        for (const index of bestFirst([...all], better, ahead)) if (early.push(index) >= 12) break;
        expect(early).toEqual(expected.slice(0, 12));
      }
    }
  });
});
