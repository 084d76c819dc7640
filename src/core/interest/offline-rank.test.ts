import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rankOfflineLine } from './offline-rank';

const lines = readFileSync(new URL('../../../samples/rank-input.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n');

describe('tidings rank --input: stateless offline ranking', () => {
  it('prints every candidate that passes the filters, best first, with scores and reasons', () => {
    const input = JSON.parse(lines[0]!);
    const result = rankOfflineLine(lines[0]!);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { id, ranked } = result.output;
    expect(id).toBe('reader-a');
    const internal = new Set(
      input.candidates.filter((a: { content_type: string }) => a.content_type === 'internal').map((a: { id: string }) => a.id),
    );
    expect(ranked.length).toBeGreaterThan(10);
    expect(ranked.some((r) => internal.has(r.id))).toBe(false);
    // Best first (the diversity caps may move an article down, never up).
    expect(ranked[0]!.score).toBe(Math.max(...ranked.map((r) => r.score)));
    // The reader clicked email-delivery articles: the top one says so.
    expect(ranked[0]!.reasons[0]).toBe('because you read about email-delivery');
    expect(Object.keys(ranked[0]!).sort()).toEqual(['id', 'reasons', 'score']);
  });

  it('is stateless: the same line gives the same output', () => {
    expect(rankOfflineLine(lines[1]!)).toEqual(rankOfflineLine(lines[1]!));
  });

  it('names what is wrong with a bad line', () => {
    expect(rankOfflineLine('{not json')).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^not valid JSON/)] });
    const bad = rankOfflineLine(
      JSON.stringify({
        id: 'x',
        now: 'today',
        candidates: [{ id: 'a', url: 'javascript:alert(1)', title: 't', source: 's', published_at: '2026-11-20T00:00:00Z' }],
      }),
    );
    expect(bad).toMatchObject({ ok: false, id: 'x' });
    if (!bad.ok) {
      expect(bad.reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^now must be an ISO 8601/),
          expect.stringMatching(/^candidates\.0\.url must be an absolute http/),
          expect.stringMatching(/^candidates\.0\.content_type is missing/),
        ]),
      );
    }
  });
});
