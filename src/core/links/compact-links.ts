// Short signed links that name a stored briefing and a place in it (/l/ in the text part, /v/ "view in browser"),
// for where a full token (destination carried inside, ~270 characters) is too long for a person to read.
import { toBase64Url, utf8 } from '../encoding';
import type { LinkSigner } from './links';

/** What a compact link points at inside one reader's briefing. */
export type CompactSlot =
  { kind: 'article'; position: number } | { kind: 'latest' } | { kind: 'preferences' } | { kind: 'unsubscribe' } | { kind: 'view' };

export interface CompactLink {
  /** Names the stored briefing of one (edition, subscriber): see briefingHandle. */
  handle: string;
  slot: CompactSlot;
}

/** Positions above this are refused (a briefing holds at most BRIEFING_SIZE ≤ 50 articles). */
const MAX_POSITION = 99;
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{12}$/;
const codes = { latest: 'L', preferences: 'P', unsubscribe: 'U', view: 'v' } as const;

/**
 * The stored briefing's name: 72 bits of SHA-256 over (edition, subscriber), 12 characters. Deterministic, so a
 * retried send names the same record; the links themselves are signed, so knowing a handle opens nothing.
 */
export async function briefingHandle(editionId: string, subscriberId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`${editionId}\n${subscriberId}`)));
  return toBase64Url(digest.subarray(0, 9));
}

function slotCode(slot: CompactSlot): string {
  return slot.kind === 'article' ? String(slot.position) : codes[slot.kind];
}

function slotOf(code: string): CompactSlot | null {
  if (/^(0|[1-9][0-9]?)$/.test(code)) return Number(code) <= MAX_POSITION ? { kind: 'article', position: Number(code) } : null;
  for (const [kind, c] of Object.entries(codes)) if (c === code) return { kind } as CompactSlot;
  return null;
}

/** The token of a compact link: `<key id>.<handle>.<slot>.<tag>`, about 40 characters. */
export async function signCompact(signer: LinkSigner, link: CompactLink): Promise<string> {
  if (!HANDLE_PATTERN.test(link.handle))
    throw new Error(`compact link handle must be 12 base64url characters (got ${JSON.stringify(link.handle)})`);
  const body = `${link.handle}.${slotCode(link.slot)}`;
  const { keyId, tag } = await signer.signMessage(body);
  return `${keyId}.${body}.${tag}`;
}

/** The link a compact token names, or null when it is malformed or its signature does not match. Never throws. */
export async function verifyCompact(signer: LinkSigner, token: string): Promise<CompactLink | null> {
  if (token.length > 100) return null;
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [keyId, handle, code, tag] = parts as [string, string, string, string];
  const slot = slotOf(code);
  if (!slot || !HANDLE_PATTERN.test(handle)) return null;
  return (await signer.verifyMessage(keyId, `${handle}.${code}`, tag)) ? { handle, slot } : null;
}
