import { describe, expect, it } from 'vitest';
import { ingestVerdict, type GlobalStrength } from './ingest-filter';
import { forwardWeight, pollIntervalMinutes } from './popularity';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const fw = forwardWeight(NOW);
const strength = (positive: number, negative: number): GlobalStrength => ({ positive: positive * fw, negative: negative * fw });
const article = { source: 'spammy', topics: ['crypto'], published_at: '2026-11-20T10:00:00Z' };
const ctx = (global: Array<[string, GlobalStrength]>) => ({ oldestMs: NOW - 7 * 86_400_000, nowMs: NOW, global: new Map(global) });

describe('the ingest filter', () => {
  it('keeps what nobody has an opinion on yet', () => {
    expect(ingestVerdict(article, ctx([]))).toEqual({ worth: true });
  });

  it('drops items past the maximum age, with the reason', () => {
    expect(ingestVerdict({ ...article, published_at: '2026-11-01T00:00:00Z' }, ctx([]))).toEqual({
      worth: false,
      reason: expect.stringMatching(/older than the maximum age \(ARTICLE_MAX_AGE_HOURS\)/),
    });
  });

  it('drops items from a source readers consistently vote down, not one with mixed feelings', () => {
    expect(ingestVerdict(article, ctx([['s:spammy', strength(2, 30)]]))).toEqual({
      worth: false,
      reason: 'readers have consistently voted down the source spammy',
    });
    expect(ingestVerdict(article, ctx([['s:spammy', strength(20, 30)]]))).toEqual({ worth: true });
    expect(ingestVerdict(article, ctx([['s:spammy', strength(0, 6)]]))).toEqual({ worth: true });
  });

  it('drops items only about topics readers reject', () => {
    expect(ingestVerdict(article, ctx([['t:crypto', strength(1, 40)]]))).toMatchObject({
      worth: false,
      reason: expect.stringMatching(/the topic crypto/),
    });
    expect(ingestVerdict({ ...article, topics: ['crypto', 'rust'] }, ctx([['t:crypto', strength(1, 40)]]))).toEqual({ worth: true });
  });
});

describe('polling priority', () => {
  it('polls the most-read sources four times as often as the base, unread ones half as often', () => {
    expect(pollIntervalMinutes(1, 60)).toBe(15);
    expect(pollIntervalMinutes(0, 60)).toBe(120);
    expect(pollIntervalMinutes(0.5, 60)).toBeGreaterThan(15);
    expect(pollIntervalMinutes(1, 10)).toBe(5); // never below five minutes
  });
});
