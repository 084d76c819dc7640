// The fast path must produce exactly what rendering the whole Briefing template produces, for any reader.
import { describe, expect, it } from 'vitest';
import type { BriefingItem, BriefingProps } from './briefing';
import { createFastBriefingRenderer, naiveBriefingRenderer } from './fast-briefing';

// A small seeded generator, so a failure can be reproduced from the printed seed.
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

// The last title carries the renderer's own stand-in addresses, as a hostile feed could (issue 12, item 7).
const titles = [
  'Why idempotency keys belong to the batch',
  'Tom & Jerry\'s "guide" to <queues>',
  'Ünïcode — naïve café ☕',
  'A',
  'Rate limits, retries & you',
  'Leak https://slot.tidings.invalid/honeypot and https://slot.tidings.invalid/footer-1 via https://slot.tidings.invalid/card',
];
const summaries = ['', 'A retried batch must be byte-identical.', 'Quotes "here" & <tags> there', 'x'.repeat(300)];
const reasons = [[], ['new since your last briefing'], ['because you read about email', 'popular this week'], ["it's <trending> & hot"]];

function randomProps(next: () => number): BriefingProps {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const href = () => `https://tidings.test/c/t1.k.${Math.floor(next() * 1e9).toString(36)}${next() < 0.2 ? '?a=1&b="2"' : ''}`;
  const short = () => (next() < 0.5 ? { textHref: `https://tidings.test/l/k.${Math.floor(next() * 1e9).toString(36)}.0.tag` } : {});
  const items: BriefingItem[] = Array.from({ length: 1 + Math.floor(next() * 10) }, () => ({
    title: pick(titles),
    summary: pick(summaries),
    source: pick(['The Wire', 'Field Notes & Co']),
    href: href(),
    reasons: pick(reasons),
    ...short(),
  }));
  return {
    ...(next() < 0.5 ? { viewHref: href(), textLinks: [{ label: 'Preferences', href: href() }] } : {}),
    editionLabel: pick(['Monday, 23 November 2026', 'Tuesday, 24 November 2026']),
    // Short and long previews: <Preview> pads a short one and cuts a long one at 150 characters.
    preview: next() < 0.3 ? `Also: ${pick(titles)} · ${pick(titles)} · ${pick(titles)}` : `Also: ${pick(titles)}`,
    items,
    latestPost: next() < 0.7 ? { title: pick(titles), href: href(), ...short() } : null,
    footerLinks:
      next() < 0.5
        ? []
        : [
            { label: 'Preferences', href: href() },
            { label: 'Unsubscribe', href: href() },
          ],
    honeypotHref: next() < 0.5 ? undefined : href(),
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

  it('writes a text part a person can read: titles, one short link per article, no action links', async () => {
    const props: BriefingProps = {
      ...randomProps(random(99)),
      items: [
        {
          title: 'Queues & you',
          summary: 'Why batches.',
          source: 'The Wire',
          reasons: ['you follow queues'],
          href: 'https://tidings.test/c/t1.k.long',
          textHref: 'https://tidings.test/l/k.h.0.tag',
          actions: {
            voteUp: 'https://tidings.test/a/up',
            voteDown: 'https://tidings.test/a/down',
            bookmark: 'https://tidings.test/a/save',
          },
        },
      ],
      viewHref: 'https://tidings.test/v/k.h.v.tag',
      textLinks: [{ label: 'Preferences', href: 'https://tidings.test/l/k.h.P.tag' }],
      honeypotHref: 'https://tidings.test/c/honeypot',
    };
    const { text } = await createFastBriefingRenderer().render(props);
    expect(text).toContain('1. Queues & you\n   The Wire · you follow queues\n   Why batches.\n   https://tidings.test/l/k.h.0.tag\n');
    expect(text).toContain('https://tidings.test/v/k.h.v.tag');
    expect(text).toContain('Preferences: https://tidings.test/l/k.h.P.tag');
    for (const hidden of ['/c/t1.k.long', '/a/up', '/a/down', '/a/save', '/c/honeypot']) expect(text).not.toContain(hidden);
    expect((await naiveBriefingRenderer.render(props)).text).toBe(text);
  });

  it("never puts a reader's hidden links into article text that spells the stand-in addresses", async () => {
    const hidden = 'https://tidings.test/c/t1.k.reader-only-honeypot';
    const props: BriefingProps = {
      editionLabel: 'Monday, 23 November 2026',
      preview: 'x',
      items: [
        {
          title: 'See https://slot.tidings.invalid/honeypot',
          summary: 'and https://slot.tidings.invalid/footer-0',
          source: 'S',
          href: 'https://tidings.test/c/a',
          reasons: [],
        },
      ],
      latestPost: null,
      footerLinks: [{ label: 'Unsubscribe', href: 'https://tidings.test/u/secret' }],
      honeypotHref: hidden,
    };
    const { html } = await createFastBriefingRenderer().render(props);
    expect(html.split(hidden).length - 1).toBe(1); // the honeypot's own slot, nowhere else
    expect(html).toContain('See https://slot.tidings.invalid/honeypot');
    expect(html).toEqual((await naiveBriefingRenderer.render(props)).html);
  });

  it('renders the same bytes twice for the same reader (a retried batch is identical)', async () => {
    const props = randomProps(random(7));
    const first = await createFastBriefingRenderer().render(props);
    expect(await createFastBriefingRenderer().render(props)).toEqual(first);
  });
});
