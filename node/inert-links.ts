// A reader's briefing shown to an operator (the preview) or sent to one (a test) must act for nobody: its links
// are the reader's own, signed, so a click there would count as theirs, and its one-click unsubscribe would
// unsubscribe them. Here every link into this site is rewritten: an article link goes straight to the article
// (untracked); everything else goes to a page that says what it does in the reader's email: votes, bookmarks,
// preferences, unsubscribing, the web copy, and the text part's short links (their target is in the stored
// briefing, not the token). The list headers go.
import type { OutgoingEmail } from '../src/contracts';
import type { LinkSigner } from '../src/core/links/links';

export const INERT_LINK_PATH = '/ops/preview/inert-link';

export async function inertLinks<E extends OutgoingEmail>(email: E, signer: LinkSigner, publicBaseUrl: string): Promise<E> {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const ours = new RegExp(`${escapeRegExp(base)}/(c|a|preferences|v|l)/([A-Za-z0-9._~-]+)`, 'g');
  const replacements = new Map<string, string>();
  for (const part of [email.html, email.text])
    for (const [url, route, token] of part.matchAll(ours)) {
      if (replacements.has(url)) continue;
      const verified = route === 'c' ? await signer.verify(token!) : null;
      const article = verified?.ok && verified.payload.kind === 'article' ? verified.payload.url : null;
      replacements.set(url, article ?? `${base}${INERT_LINK_PATH}`);
    }
  const rewrite = (part: string, escape: (url: string) => string) => part.replace(ours, (url) => escape(replacements.get(url) ?? url));
  const headers = Object.fromEntries(Object.entries(email.headers).filter(([name]) => !/^list-unsubscribe/i.test(name)));
  return { ...email, html: rewrite(email.html, escapeAttribute), text: rewrite(email.text, (url) => url), headers };
}

function escapeAttribute(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
