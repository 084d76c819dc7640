// The fast path must produce exactly what rendering the whole Briefing template produces, for any reader.
import { describe, expect, it } from 'vitest';
import { render } from '@react-email/components';
import { createElement } from 'react';
import { Briefing, type BriefingItem, type BriefingProps } from './briefing';
import { createFastBriefingRenderer, naiveBriefingRenderer } from './fast-briefing';

// A small seeded generator, so a failure can be reproduced from the printed seed.
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const titles = ['Why idempotency keys belong to the batch', 'Tom & Jerry\'s "guide" to <queues>', 'Ünïcode — naïve café ☕', 'A', 'Rate limits, retries & you'];
const summaries = ['', 'A retried batch must be byte-identical.', 'Quotes "here" & <tags> there', 'x'.repeat(300)];
const reasons = [[], ['new since your last briefing'], ['because you read about email', 'popular this week'], ["it's <trending> & hot"]];

function randomProps(next: () => number): BriefingProps {
  const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const href = () => `https://tidings.test/c/t1.k.${Math.floor(next() * 1e9).toString(36)}${next() < 0.2 ? '?a=1&b="2"' : ''}`;
  const items: BriefingItem[] = Array.from({ length: 1 + Math.floor(next() * 10) }, () => ({ title: pick(titles), summary: pick(summaries), source: pick(['The Wire', 'Field Notes & Co']), href: href(), reasons: pick(reasons) }));
  return {
    editionLabel: pick(['Monday, 23 November 2026', 'Tuesday, 24 November 2026']),
    preview: `Also: ${pick(titles)}`,
    items,
    latestPost: next() < 0.7 ? { title: pick(titles), href: href() } : null,
    footerLinks: next() < 0.5 ? [] : [{ label: 'Preferences', href: href() }, { label: 'Unsubscribe', href: href() }],
  };
}

describe('fast briefing rendering', () => {
  it('equals rendering the whole template, HTML and text, for 200 random readers', async () => {
    const fast = createFastBriefingRenderer();
    const seed = 20261123;
    const next = random(seed);
    for (let reader = 0; reader < 200; reader++) {
      const props = randomProps(next);
      const [expected, actual] = await Promise.all([naiveBriefingRenderer.render(props), fast.render(props)]);
      expect(actual.html, `seed ${seed}, reader ${reader}`).toBe(expected.html);
      expect(actual.text, `seed ${seed}, reader ${reader}`).toBe(expected.text);
    }
    // The pieces were reused, not rendered per reader.
    expect(fast.stats().cards).toBeLessThan(200);
  });

  it('derives the same plain text as React Email\'s own plainText render', async () => {
    const next = random(99);
    for (let reader = 0; reader < 20; reader++) {
      const props = randomProps(next);
      const element = createElement(Briefing, props);
      expect((await naiveBriefingRenderer.render(props)).text).toBe(await render(element, { plainText: true }));
    }
  });

  it('renders the same bytes twice for the same reader (a retried batch is identical)', async () => {
    const props = randomProps(random(7));
    const first = await createFastBriefingRenderer().render(props);
    expect(await createFastBriefingRenderer().render(props)).toEqual(first);
  });
});
