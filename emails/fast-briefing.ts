// The fast path for rendering briefings: each article card and each page shell is rendered once per edition,
// with stand-in links, and every reader's email is assembled from those pieces by string substitution.
// The result equals rendering the whole Briefing template for that reader (emails/fast-briefing.test.ts compares).
import { render } from '@react-email/components';
import { createElement } from 'react';
import { Briefing, BriefingCard, type BriefingItem, type BriefingProps } from './briefing';
import { briefingText } from './briefing-text';
import type { RenderedEmail } from './render';

export interface BriefingRenderer {
  render(props: BriefingProps): Promise<RenderedEmail>;
}

/** The plain React Email path: the whole template per reader; the text part is written for people (briefing-text.ts). */
export const naiveBriefingRenderer: BriefingRenderer = {
  render: async (props) => ({ html: await render(createElement(Briefing, props)), text: briefingText(props) }),
};

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';
// Stand-in links: plain ASCII that React neither escapes nor changes, and that no real link contains.
const slot = (name: string) => `https://slot.tidings.invalid/${name}`;
const CARD_SLOT = slot('card');
// A card's reader-specific links (its article link and its vote and bookmark links) are stand-ins too.
// Names that are not prefixes of one another, so replacing one never touches another.
const ACTION_SLOTS = { voteUp: slot('more-like-this'), voteDown: slot('fewer-like-this'), bookmark: slot('save-for-later') };
const HONEYPOT_SLOT = slot('honeypot');
const VIEW_SLOT = slot('view');
const MARKER_ITEM: BriefingItem = { title: 'tidings-card-marker', summary: 'tidings-card-marker', source: 'tidings-card-marker', href: CARD_SLOT, reasons: [] };

/** Each stand-in of a card and the reader's link that replaces it. */
function cardLinks(item: BriefingItem): Array<[string, string]> {
  const links: Array<[string, string]> = [[CARD_SLOT, item.href]];
  if (item.actions) {
    links.push([ACTION_SLOTS.voteUp, item.actions.voteUp], [ACTION_SLOTS.voteDown, item.actions.voteDown], [ACTION_SLOTS.bookmark, item.actions.bookmark]);
  }
  return links;
}

interface Piece {
  html: string;
}

interface Shell {
  htmlBefore: string;
  htmlAfter: string;
}

/** React's escaping of attribute values, so a substituted link is byte-identical to a rendered one. */
function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c]!);
}

function replaceAll(haystack: string, needle: string, value: string): string {
  return haystack.split(needle).join(value);
}

export interface FastRendererOptions {
  /** Pieces kept before the oldest are dropped (bounded memory over a long run). */
  maxPieces?: number;
}

/** A renderer with per-edition caches; create one per worker and reuse it across batches. */
export function createFastBriefingRenderer(options: FastRendererOptions = {}): BriefingRenderer & { stats(): { cards: number; shells: number } } {
  const maxPieces = options.maxPieces ?? 5000;
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
    return doc.slice(DOCTYPE.length).replace(/^<!--\$-->/, '').replace(/<!--\/\$-->$/, '');
  };

  const card = (item: BriefingItem) =>
    remember(cards, JSON.stringify([item.title, item.summary, item.source, item.reasons, item.actions !== undefined]), async () => {
      return { html: await fragment({ ...item, href: CARD_SLOT, actions: item.actions ? ACTION_SLOTS : undefined }) };
    });

  const markerCard = card(MARKER_ITEM);

  const shell = (props: BriefingProps) => {
    const key = JSON.stringify([props.editionLabel, props.preview, props.latestPost?.title ?? null, props.footerLinks.map((l) => l.label), props.honeypotHref !== undefined, props.viewHref !== undefined]);
    return remember(shells, key, async () => {
      const marker = await markerCard;
      const standIn: BriefingProps = {
        ...props,
        items: [MARKER_ITEM],
        latestPost: props.latestPost ? { title: props.latestPost.title, href: slot('latest') } : null,
        footerLinks: props.footerLinks.map((l, i) => ({ label: l.label, href: slot(`footer-${i}`) })),
        honeypotHref: props.honeypotHref === undefined ? undefined : HONEYPOT_SLOT,
        viewHref: props.viewHref === undefined ? undefined : VIEW_SLOT,
      };
      const html = await render(createElement(Briefing, standIn));
      const [htmlBefore, htmlAfter, ...more] = html.split(marker.html);
      if (htmlAfter === undefined || more.length > 0) {
        throw new Error('fast briefing rendering: the card marker was not found exactly once in the shell; the template changed shape');
      }
      return { htmlBefore: htmlBefore!, htmlAfter };
    });
  };

  return {
    async render(props) {
      const [s, pieces] = await Promise.all([shell(props), Promise.all(props.items.map(card))]);
      const links: Array<[string, string]> = [];
      if (props.latestPost) links.push([slot('latest'), props.latestPost.href]);
      props.footerLinks.forEach((l, i) => links.push([slot(`footer-${i}`), l.href]));
      if (props.honeypotHref !== undefined) links.push([HONEYPOT_SLOT, props.honeypotHref]);
      if (props.viewHref !== undefined) links.push([VIEW_SLOT, props.viewHref]);
      const fill = (piece: string, item: BriefingItem) => cardLinks(item).reduce((out, [standIn, href]) => replaceAll(out, standIn, escapeAttribute(href)), piece);
      let html = s.htmlBefore + pieces.map((p, i) => fill(p.html, props.items[i]!)).join('') + s.htmlAfter;
      for (const [standIn, href] of links) html = replaceAll(html, standIn, escapeAttribute(href));
      return { html, text: briefingText(props) };
    },
    stats: () => ({ cards: cards.size, shells: shells.size }),
  };
}
