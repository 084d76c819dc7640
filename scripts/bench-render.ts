// `npm run bench:render`: briefings per second rendered naively (React Email renders the whole template,
// then again for plain text) and through the fast path (cards and shells once per edition, assembled per
// reader). Options: --readers N (default 2000), --articles N (pool, default 40). Prints JSON last.
import { render } from '@react-email/components';
import { createElement } from 'react';
import { Briefing, type BriefingItem, type BriefingProps } from '../emails/briefing';
import { createFastBriefingRenderer, naiveBriefingRenderer } from '../emails/fast-briefing';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const readers = arg('readers', 2000);
const poolSize = arg('articles', 40);

// A fixed pool of articles; each reader gets 10 of them with one of a few "why" reasons, and their own links.
let seed = 42;
const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const pool = Array.from({ length: poolSize }, (_, i) => ({
  title: `Article ${i}: what changed in delivery, ranking and feeds this week`,
  summary: `A summary of article ${i}, long enough to be a realistic paragraph of text in an email briefing for a reader.`,
  source: ['Tidings Engineering', 'Field Notes on Reading', 'The Wire'][i % 3]!,
}));
const reasonSets = [
  ['new since your last briefing'],
  ['because you read about email delivery'],
  ['popular with readers like you', 'new since your last briefing'],
];
const token = () =>
  `t1.k2026.${Math.floor(next() * 2 ** 52).toString(36)}${Math.floor(next() * 2 ** 52).toString(36)}.${Math.floor(next() * 2 ** 52).toString(36)}`;

function readerProps(): BriefingProps {
  const start = Math.floor(next() * (poolSize - 10));
  const items: BriefingItem[] = pool
    .slice(start, start + 10)
    .map((a) => ({ ...a, href: `https://tidings.example.com/c/${token()}`, reasons: reasonSets[Math.floor(next() * reasonSets.length)]! }));
  return {
    editionLabel: 'Monday, 23 November 2026',
    preview: `Also: ${items[1]!.title} · ${items[2]!.title}`,
    items,
    latestPost: { title: pool[0]!.title, href: `https://tidings.example.com/c/${token()}` },
    footerLinks: [
      { label: 'Preferences', href: `https://tidings.example.com/c/${token()}` },
      { label: 'Unsubscribe', href: `https://tidings.example.com/c/${token()}` },
    ],
  };
}

const inputs = Array.from({ length: readers }, readerProps);

async function measure(name: string, count: number, renderOne: (p: BriefingProps) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, count); i++) await renderOne(inputs[i]!); // warm up
  const started = performance.now();
  for (let i = 0; i < count; i++) await renderOne(inputs[i % inputs.length]!);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = count / seconds;
  console.log(`${name.padEnd(34)} ${perSecond.toFixed(0).padStart(7)} briefings/s  (${count} in ${seconds.toFixed(2)} s)`);
  return perSecond;
}

// The naive path is slow, so it gets fewer readers; per-second figures are comparable.
const naiveCount = Math.max(100, Math.floor(readers / 10));
const naive = await measure('naive (render + plainText render)', naiveCount, async (p) => {
  const element = createElement(Briefing, p);
  await Promise.all([render(element), render(element, { plainText: true })]);
});
const naiveOneRender = await measure('naive (whole template + text part)', naiveCount, (p) => naiveBriefingRenderer.render(p));
const fastRenderer = createFastBriefingRenderer();
const fast = await measure('fast (cards once per edition)', readers, (p) => fastRenderer.render(p));

console.log(
  JSON.stringify({
    bench: 'render',
    readers,
    articles_per_briefing: 10,
    naive_per_s: Math.round(naive),
    naive_single_render_per_s: Math.round(naiveOneRender),
    fast_per_s: Math.round(fast),
    ratio: Number((fast / naive).toFixed(1)),
    goal_ratio: 20,
    cards_rendered: fastRenderer.stats().cards,
    shells_rendered: fastRenderer.stats().shells,
  }),
);
