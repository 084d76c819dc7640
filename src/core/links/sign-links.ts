// Many links signed in one call: a briefing's (or a whole batch's) links listed first, then signed together, so
// the signing can happen anywhere (in this thread, or on a thread of its own: workers/briefing/link-signing.ts).
import { signCompact, type CompactLink } from './compact-links';
import type { LinkPayload, LinkSigner } from './links';

/** A link to sign: a full token carrying its destination, or a compact link naming a place in a stored briefing. */
export type LinkToSign = { payload: LinkPayload } | { compact: CompactLink };

/** Signs links, answering their tokens in the order asked (rejecting with the first LinkError if any cannot be made). */
export type SignLinks = (links: readonly LinkToSign[]) => Promise<string[]>;

export function signLinksWith(signer: LinkSigner): SignLinks {
  return (links) => Promise.all(links.map((link) => ('payload' in link ? signer.sign(link.payload) : signCompact(signer, link.compact))));
}
