// The fast path for rendering briefings: each article card and each page shell is rendered once per edition,
// with stand-in links, and every reader's email is assembled from those pieces by string substitution.
// The result equals rendering the whole Briefing template for that reader (emails/fast-briefing.test.ts compares).
import { render } from '@react-email/components';
import { createElement } from 'react';
import { Briefing, BriefingCard, type BriefingItem, type BriefingProps } from './briefing';
import { briefingText, shownReasons } from './briefing-text';
import { clip, EMAIL_LIMITS } from './clip';
import type { RenderedEmail } from './render';

export interface BriefingRenderer {
  render(props: BriefingProps): Promise<RenderedEmail>;
}

/** The plain React Email path: the whole template per reader; the text part is written for people (briefing-text.ts). */
export const naiveBriefingRenderer: BriefingRenderer = {
  render: async (props) => ({ html: await render(createElement(Briefing, props)), text: briefingText(props) }),
};

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';
const MARKER_TEXT = 'tidings-card-marker';

/**
 * Stand-in links: plain ASCII that React neither escapes nor changes. Each renderer draws its own secret part,
 * so article text from a feed cannot spell one (a title containing a stand-in would otherwise receive the
 * reader's hidden links); the closing "/" keeps any name from being a prefix of another (footer-1, footer-10).
 */
function slotNames(nonce: string) {
  const slot = (name: string) => `https://slot.tidings.invalid/${nonce}/${name}/`;
  return {
    slot,
    card: slot('card'),
    actions: { voteUp: slot('more-like-this'), voteDown: slot('fewer-like-this'), bookmark: slot('save-for-later') },
    honeypot: slot('honeypot'),
    view: slot('view'),
    // Text stand-ins: what varies from reader to reader inside a card or the shell (why an article was picked, the
    // preview line, the latest post's title), so one rendering of each serves every reader.
    reasons: slot('reasons'),
    preview: slot('preview'),
    latestTitle: slot('latest-title'),
  };
}

// React Email's <Preview> pads its text to this many characters with invisible characters (@react-email/preview).
const PREVIEW_MAX_LENGTH = 150;
const PREVIEW_WHITESPACE = '\xA0\u200C\u200B\u200D\u200E\u200F\uFEFF';

/** What <Preview>{text}</Preview> renders inside its hidden div: the text, escaped, and its padding. */
function previewMarkup(preview: string): string {
  const text = preview.substring(0, PREVIEW_MAX_LENGTH);
  const padding = text.length < PREVIEW_MAX_LENGTH ? `<div>${PREVIEW_WHITESPACE.repeat(PREVIEW_MAX_LENGTH - text.length)}</div>` : '';
  return escapeHtml(text) + padding;
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Rendered markup cut at the stand-ins it contains, once, when it is cached: `literals` surround `slots`
 * (literals.length === slots.length + 1). Filling touches only those places, never text that came later.
 */
interface Template {
  literals: string[];
  slots: string[];
}

function cut(markup: string, standIns: readonly string[]): Template {
  const literals: string[] = [];
  const slots: string[] = [];
  let at = 0;
  for (;;) {
    let next = -1;
    let found = '';
    for (const standIn of standIns) {
      const i = markup.indexOf(standIn, at);
      if (i !== -1 && (next === -1 || i < next)) {
        next = i;
        found = standIn;
      }
    }
    if (next === -1) break;
    literals.push(markup.slice(at, next));
    slots.push(found);
    at = next + found.length;
  }
  literals.push(markup.slice(at));
  return { literals, slots };
}

/**
 * The template with each slot replaced by the reader's value (markup: links and text escaped already), appended to
 * `segments` as literal, value, literal, …; a template after another is joined by an empty value, so literals stay at
 * even positions (RenderedEmail.htmlSegments).
 */
function fill(template: Template, values: ReadonlyMap<string, string>, segments: string[]): void {
  if (segments.length > 0) segments.push('');
  segments.push(template.literals[0]!);
  for (let i = 0; i < template.slots.length; i++) {
    segments.push(values.get(template.slots[i]!) ?? template.slots[i]!, template.literals[i + 1]!);
  }
}

interface Piece {
  html: Template;
  raw: string;
}

interface Shell {
  htmlBefore: Template;
  htmlAfter: Template;
}

/** React's escaping of text and attribute values, so a substituted value is byte-identical to a rendered one. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c]!);
}

export interface FastRendererOptions {
  /** Pieces kept before the oldest are dropped (bounded memory over a long run). */
  maxPieces?: number;
}

/** A renderer with per-edition caches; create one per worker and reuse it across batches. */
export function createFastBriefingRenderer(
  options: FastRendererOptions = {},
): BriefingRenderer & { stats(): { cards: number; shells: number } } {
  const maxPieces = options.maxPieces ?? 5000;
  const slots = slotNames(randomNonce());
  const cardStandIns = [slots.card, slots.actions.voteUp, slots.actions.voteDown, slots.actions.bookmark, slots.reasons];
  const markerItem: BriefingItem = { title: MARKER_TEXT, summary: MARKER_TEXT, source: MARKER_TEXT, href: slots.card, reasons: [] };
  const cards = new Map<string, Promise<Piece>>();
  const shells = new Map<string, Promise<Shell>>();

  const remember = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size >= maxPieces) cache.delete(cache.keys().next().value!);
      hit = make();
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };

  const fragment = async (item: BriefingItem): Promise<string> => {
    const doc = await render(createElement(BriefingCard, { item }));
    // A fragment comes back as a document wrapped in Suspense markers; keep only the card itself.
    return doc
      .slice(DOCTYPE.length)
      .replace(/^<!--\$-->/, '')
      .replace(/<!--\/\$-->$/, '');
  };

  // A card is the same for every reader but for its links and its reasons (stand-ins, filled per reader).
  const card = (item: BriefingItem) =>
    remember(
      cards,
      JSON.stringify([item.title, item.summary, item.source, item.reasons.length > 0, item.actions !== undefined]),
      async () => {
        const raw = await fragment({
          ...item,
          href: slots.card,
          actions: item.actions ? slots.actions : undefined,
          reasons: item.reasons.length > 0 ? [slots.reasons] : [],
        });
        return { html: cut(raw, cardStandIns), raw };
      },
    );

  const markerCard = card(markerItem);

  const shell = (props: BriefingProps) => {
    const key = JSON.stringify([
      props.editionLabel,
      props.latestPost !== null && props.latestPost !== undefined,
      props.footerLinks.map((l) => l.label),
      props.honeypotHref !== undefined,
      props.viewHref !== undefined,
    ]);
    return remember(shells, key, async () => {
      const marker = await markerCard;
      const standIn: BriefingProps = {
        ...props,
        items: [markerItem],
        preview: slots.preview,
        latestPost: props.latestPost ? { title: slots.latestTitle, href: slots.slot('latest') } : null,
        footerLinks: props.footerLinks.map((l, i) => ({ label: l.label, href: slots.slot(`footer-${i}`) })),
        honeypotHref: props.honeypotHref === undefined ? undefined : slots.honeypot,
        viewHref: props.viewHref === undefined ? undefined : slots.view,
      };
      // The whole inside of <Preview>'s div is one stand-in: its padding depends on the preview's length.
      const previewStandIn = previewMarkup(slots.preview);
      const shellStandIns = [
        previewStandIn,
        slots.latestTitle,
        slots.slot('latest'),
        ...props.footerLinks.map((_, i) => slots.slot(`footer-${i}`)),
        slots.honeypot,
        slots.view,
      ];
      const html = await render(createElement(Briefing, standIn));
      if (html.split(previewStandIn).length !== 2)
        throw new Error('fast briefing rendering: the preview was not found exactly once in the shell; the template changed shape');
      const [htmlBefore, htmlAfter, ...more] = html.split(marker.raw);
      if (htmlAfter === undefined || more.length > 0) {
        throw new Error('fast briefing rendering: the card marker was not found exactly once in the shell; the template changed shape');
      }
      return { htmlBefore: cut(htmlBefore!, shellStandIns), htmlAfter: cut(htmlAfter, shellStandIns) };
    });
  };

  return {
    async render(props) {
      const [s, pieces] = await Promise.all([shell(props), Promise.all(props.items.map(card))]);
      const shellLinks = new Map<string, string>([[previewMarkup(slots.preview), previewMarkup(props.preview)]]);
      if (props.latestPost) {
        shellLinks.set(slots.slot('latest'), escapeHtml(props.latestPost.href));
        shellLinks.set(slots.latestTitle, escapeHtml(clip(props.latestPost.title, EMAIL_LIMITS.title)));
      }
      props.footerLinks.forEach((l, i) => shellLinks.set(slots.slot(`footer-${i}`), escapeHtml(l.href)));
      if (props.honeypotHref !== undefined) shellLinks.set(slots.honeypot, escapeHtml(props.honeypotHref));
      if (props.viewHref !== undefined) shellLinks.set(slots.view, escapeHtml(props.viewHref));
      const cardLinks = (item: BriefingItem) => {
        // The card renders ` · ` and the reasons as one text; the stand-in stands for the reasons part.
        const links = new Map([
          [slots.card, escapeHtml(item.href)],
          [slots.reasons, escapeHtml(shownReasons(item.reasons).join(' · '))],
        ]);
        if (item.actions)
          links
            .set(slots.actions.voteUp, escapeHtml(item.actions.voteUp))
            .set(slots.actions.voteDown, escapeHtml(item.actions.voteDown))
            .set(slots.actions.bookmark, escapeHtml(item.actions.bookmark));
        return links;
      };
      const htmlSegments: string[] = [];
      fill(s.htmlBefore, shellLinks, htmlSegments);
      pieces.forEach((p, i) => fill(p.html, cardLinks(props.items[i]!), htmlSegments));
      fill(s.htmlAfter, shellLinks, htmlSegments);
      // Concatenated as a rope: it is flattened only if something reads it (the batch request is written from segments).
      let html = '';
      for (const segment of htmlSegments) html += segment;
      return { html, text: briefingText(props), htmlSegments };
    },
    stats: () => ({ cards: cards.size, shells: shells.size }),
  };
}
