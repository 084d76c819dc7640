// The plain-text part of a briefing, written for a person: each article's title, source, a taste of it and
// one short link; the actions (votes, saving, topics) behind the "view in browser" and preferences links.
import type { BriefingProps } from './briefing';
import { clip, EMAIL_LIMITS } from './clip';

/** The text part. Pure string building, so both renderers (whole template and fast path) share it as is. */
export function briefingText(props: BriefingProps): string {
  const lines: string[] = [`Your Tidings briefing — ${props.editionLabel}`];
  if (props.viewHref) lines.push(`Read it in your browser (with More like this, Fewer like this, Save for later): ${props.viewHref}`);
  props.items.forEach((item, i) => {
    const number = `${i + 1}. `;
    const indent = ' '.repeat(number.length); // "10. " lines up like "9. "
    lines.push('', `${number}${clip(item.title, EMAIL_LIMITS.title)}`);
    lines.push(`${indent}${[clip(item.source, EMAIL_LIMITS.source), ...shownReasons(item.reasons)].join(' · ')}`);
    if (item.summary) lines.push(`${indent}${clip(item.summary, EMAIL_LIMITS.summary)}`);
    lines.push(`${indent}${item.textHref ?? item.href}`);
  });
  if (props.latestPost)
    lines.push('', `Latest post: ${clip(props.latestPost.title, EMAIL_LIMITS.title)}`, props.latestPost.textHref ?? props.latestPost.href);
  lines.push('', '--', 'You get this because you subscribed to Tidings.');
  for (const link of props.textLinks ?? props.footerLinks) lines.push(`${link.label}: ${link.href}`);
  return `${lines.join('\n')}\n`;
}

/** The reasons shown under an article, in the HTML and the text alike. */
export function shownReasons(reasons: readonly string[]): string[] {
  return reasons.slice(0, EMAIL_LIMITS.reasons).map((r) => clip(r, EMAIL_LIMITS.reason));
}
