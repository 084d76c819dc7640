import { describe, expect, it } from 'vitest';
import type { Article } from '../../contracts';
import { articleFeatures, buildCorpus } from './article-features';
import { applySignal, emptyProfile, type LearnableSignal, type Profile } from './interest-profile';
import { summariseProfile } from './profile-summary';
import { topicArticle } from '../../../test/fixtures/topic-article';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const settings = { halfLifeDays: 21, maxFeatures: 256 };
const briefing = [
  topicArticle('r1', 'rust', 'field-notes'),
  topicArticle('r2', 'rust', 'field-notes'),
  topicArticle('g1', 'gardening', 'the-wire'),
];
const corpus = buildCorpus(briefing);

function taught(signals: Array<[Article, LearnableSignal]>): Profile {
  let profile = emptyProfile();
  for (const [article, signal] of signals)
    profile = applySignal(profile, article.id, articleFeatures(article, corpus), signal, NOW - 3600_000, settings).profile;
  return profile;
}

describe('what a profile says about dislikes', () => {
  it('says none after briefings alone: nothing the reader did, and the ranker does not follow it yet', () => {
    const summary = summariseProfile(taught(briefing.map((a) => [a, 'delivered'])), NOW, 21);
    expect(summary.signals).toBe(3);
    expect(summary.trust).toBe(0);
    expect(summary.disliked).toEqual([]);
  });

  it('names what was voted down or never opened once the reader has done something', () => {
    const summary = summariseProfile(
      taught([...briefing.map((a): [Article, LearnableSignal] => [a, 'delivered']), [briefing[0]!, 'click'], [briefing[2]!, 'vote_down']]),
      NOW,
      21,
      new Map([['the-wire', 'The Wire']]),
    );
    expect(summary.trust).toBeGreaterThan(0);
    expect(summary.topics.map((t) => t.label)).toContain('rust');
    expect(summary.disliked.map((d) => d.label)).toEqual(expect.arrayContaining(['gardening', 'The Wire']));
  });
});
